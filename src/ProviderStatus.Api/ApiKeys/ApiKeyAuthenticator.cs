using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>Tells who is behind a presented key, on every authenticated request.</summary>
internal sealed class ApiKeyAuthenticator(
    IDbContextFactory<ProviderStatusDbContext> contexts, TimeProvider clock, KeyCache cache, KeyUsage usage)
{
    /// <summary>Compiled once per application (a compiled query belongs to one model).</summary>
    private readonly Func<ProviderStatusDbContext, byte[], CancellationToken, Task<StoredKey?>> _findByHash =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, byte[] hash, CancellationToken _) => db.ApiKeys
            .Where(k => k.KeyHash == hash)
            .Select(k => new StoredKey(k.Id, k.WorkspaceId, k.KeyHash, Scopes.Split(k.Permissions), k.ExpiresAt, k.RevokedAt))
            .SingleOrDefault());

    /// <summary>
    /// The caller behind <paramref name="key"/>, or null when the key is malformed, unknown, revoked
    /// or expired (deliberately indistinguishable to the caller). A malformed key costs no lookup at
    /// all; a well-formed one is looked up by hash in the key cache, which remembers unknown keys too,
    /// and only on a miss in the database. Expiry is judged against the clock every time.
    /// </summary>
    public async ValueTask<AuthenticatedKey?> AuthenticateAsync(PresentedKey key, CancellationToken cancellationToken)
    {
        if (TryAuthenticateCached(key, out var caller))
        {
            return caller;
        }

        // A key the cache does not hold: read it, and remember what was found, "no such key" included.
        var hash = key.Hash!;
        var now = clock.GetUtcNow();
        var generation = cache.Generation;
        CachedKey cached;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            cached = new CachedKey(await _findByHash(db, hash, cancellationToken), now);
        }

        cache.Store(key.CacheKey, cached, generation);
        return Judge(cached, hash, now);
    }

    /// <summary>
    /// <see cref="AuthenticateAsync"/> without the database: false when only a database read can
    /// tell (the key is well-formed and not in the cache); otherwise true, with the caller or null.
    /// </summary>
    public bool TryAuthenticateCached(PresentedKey key, out AuthenticatedKey? caller)
    {
        caller = null;
        if (key.Hash is not { } hash)
        {
            return true;
        }

        var now = clock.GetUtcNow();
        if (!cache.TryGet(key.CacheKey, now, out var cached))
        {
            return false;
        }

        caller = Judge(cached, hash, now);
        return true;
    }

    private AuthenticatedKey? Judge(CachedKey cached, byte[] hashBytes, DateTimeOffset now)
    {
        // The lookup was by hash; the final comparison of the stored hash is in fixed time.
        if (cached.Key is not { } key || !CryptographicOperations.FixedTimeEquals(key.KeyHash, hashBytes)
            || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        cached.NoteUse(usage, now);
        return cached.Caller;
    }
}
