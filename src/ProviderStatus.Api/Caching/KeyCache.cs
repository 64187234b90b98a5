using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;

namespace ProviderStatus.Api.Caching;

/// <summary>The SHA-256 of a key as a value, so it can key a dictionary without allocating.</summary>
internal readonly record struct KeyHash(ulong A, ulong B, ulong C, ulong D)
{
    public static KeyHash From(ReadOnlySpan<byte> sha256) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(sha256),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(sha256[24..]));

    /// <summary>The hash's bytes in hex, in order: what PostgreSQL's <c>encode(key_hash, 'hex')</c> gives.</summary>
    public override string ToString() =>
        $"{BinaryPrimitives.ReverseEndianness(A):x16}{BinaryPrimitives.ReverseEndianness(B):x16}" +
        $"{BinaryPrimitives.ReverseEndianness(C):x16}{BinaryPrimitives.ReverseEndianness(D):x16}";

    public static bool TryParse(string text, out KeyHash hash)
    {
        hash = default;
        if (text.Length != 64)
        {
            return false;
        }

        Span<ulong> parts = stackalloc ulong[4];
        for (var i = 0; i < 4; i++)
        {
            if (!ulong.TryParse(text.AsSpan(i * 16, 16), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var part))
            {
                return false;
            }

            parts[i] = BinaryPrimitives.ReverseEndianness(part);
        }

        hash = new KeyHash(parts[0], parts[1], parts[2], parts[3]);
        return true;
    }
}

/// <summary>A key as last read: null when no key has that hash (negative results are cached too).</summary>
internal sealed class CachedKey(StoredKey? key, DateTimeOffset filledAt)
{
    /// <summary>When <see cref="KeyUsage"/> last noted the key's use, as far as this entry knows (UTC ticks, so it is read and written whole).</summary>
    private long _usageNotedTicks;

    public StoredKey? Key { get; } = key;

    public DateTimeOffset FilledAt { get; } = filledAt;

    /// <summary>The caller behind the key, made once per entry rather than once per request.</summary>
    public AuthenticatedKey? Caller { get; } = key is null ? null : new(key.Id, key.WorkspaceId, key.Permissions);

    /// <summary>
    /// Tells <paramref name="usage"/> the key was used, unless its last note, as this entry knows it,
    /// already covers the use (<see cref="KeyUsage.IsNoted"/>), which it would ignore: that spares most
    /// requests its lookup, a cache miss each when thousands of keys are in use.
    /// </summary>
    public void NoteUse(KeyUsage usage, DateTimeOffset now)
    {
        if (Key is not { } stored || KeyUsage.IsNoted(new DateTimeOffset(Volatile.Read(ref _usageNotedTicks), TimeSpan.Zero), now))
        {
            return;
        }

        Volatile.Write(ref _usageNotedTicks, usage.Record(stored.Id, now).UtcTicks);
    }
}

/// <summary>
/// Key lookups by hash, including "no such key", so that repeated requests with a key, good or bad,
/// cost no database query. Revocation and creation evict the key's entry (in this process at once, in
/// others through the change feed); expiry is judged on every request from the cached expiry time.
/// </summary>
internal sealed class KeyCache(CacheFreshness freshness, IOptions<CacheOptions> options)
{
    private readonly ConcurrentDictionary<KeyHash, CachedKey> _entries = new();
    private long _generation;
    private int _count;

    public bool TryGet(KeyHash hash, DateTimeOffset now, [NotNullWhen(true)] out CachedKey? entry) =>
        _entries.TryGetValue(hash, out entry) && freshness.IsFresh(entry.FilledAt, now);

    /// <summary>Taken before reading the database, and given back to <see cref="Store"/>.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>
    /// Stores what was read, unless a key was evicted since <paramref name="generation"/> was taken:
    /// the read may predate that change. The check after writing closes the gap in which an eviction
    /// lands between the first check and the write.
    /// </summary>
    public void Store(KeyHash hash, CachedKey entry, long generation)
    {
        if (Generation != generation)
        {
            return;
        }

        // Refreshing an entry does not grow the cache; only a new key counts towards the bound. Past
        // it, the cache starts over (without the generation change of Clear: nothing read is stale).
        if (!_entries.ContainsKey(hash) && Interlocked.Increment(ref _count) > options.Value.MaxEntries)
        {
            _entries.Clear();
            Interlocked.Exchange(ref _count, 1);
        }

        _entries[hash] = entry;
        if (Generation != generation)
        {
            _entries.TryRemove(hash, out _);
        }
    }

    public void Evict(KeyHash hash)
    {
        Interlocked.Increment(ref _generation);
        _entries.TryRemove(hash, out _);
    }

    public void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        Interlocked.Exchange(ref _count, 0);
    }
}
