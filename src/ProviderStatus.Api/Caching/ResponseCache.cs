using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Providers;

namespace ProviderStatus.Api.Caching;

/// <summary>A serialized answer of the providers endpoint, ready to be written as it is.</summary>
/// <param name="Body"></param>
/// <param name="ETag"></param>
/// <param name="FilledAt"></param>
/// <param name="ValidUntil">When the clock alone changes a status in it (a connection going stale).</param>
internal sealed record CachedResponse(byte[] Body, string ETag, DateTimeOffset FilledAt, DateTimeOffset ValidUntil);

/// <summary>
/// Serialized responses per workspace and category. A workspace's responses live in one slot, so a
/// change to the workspace evicts them all by dropping the slot; a fill that started before an
/// eviction writes into the dropped slot and is never seen. Bounded: past
/// <see cref="CacheOptions.MaxEntries"/> workspaces it starts over.
/// </summary>
internal sealed class ResponseCache(CacheFreshness freshness, IOptions<CacheOptions> options)
{
    private readonly ConcurrentDictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    private int _count;

    /// <summary>A place to put a response; taken before reading the database.</summary>
    public sealed class Slot
    {
        internal readonly CachedResponse?[] ByCategory = new CachedResponse?[ProviderCategories.All.Count + 1];
    }

    public bool TryGet(string workspaceId, string? category, DateTimeOffset now, [NotNullWhen(true)] out CachedResponse? response)
    {
        response = _slots.TryGetValue(workspaceId, out var slot) ? slot.ByCategory[Index(category)] : null;
        return response is not null && now <= response.ValidUntil && freshness.IsFresh(response.FilledAt, now);
    }

    public Slot SlotFor(string workspaceId)
    {
        if (_slots.TryGetValue(workspaceId, out var slot))
        {
            return slot;
        }

        if (Interlocked.Increment(ref _count) > options.Value.MaxEntries)
        {
            Clear();
        }

        return _slots.GetOrAdd(workspaceId, _ => new Slot());
    }

    public static void Store(Slot slot, string? category, CachedResponse response) => slot.ByCategory[Index(category)] = response;

    public void Evict(string workspaceId) => _slots.TryRemove(workspaceId, out _);

    public void Clear()
    {
        _slots.Clear();
        Interlocked.Exchange(ref _count, 0);
    }

    private static int Index(string? category) => category is null ? 0 : ProviderCategories.Rank(category) + 1;
}
