using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>A request about keys that cannot be carried out; the message says why.</summary>
internal sealed class ApiKeyException(string message) : Exception(message);

/// <summary>A key as just created: the only moment its secret exists outside the caller's hands.</summary>
internal sealed record CreatedApiKey(ApiKey Record, string Secret);

/// <summary>The caller behind a valid key.</summary>
internal sealed record AuthenticatedKey(Guid KeyId, string WorkspaceId, string[] Permissions);

/// <summary>What authentication needs to know of a stored key.</summary>
internal sealed record StoredKey(Guid Id, string WorkspaceId, byte[] KeyHash, string[] Permissions, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

internal enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}

/// <summary>The key lookup, compiled once per application (see <see cref="Providers.ProviderQueries"/>).</summary>
internal sealed class ApiKeyQueries
{
    public Func<ProviderStatusDbContext, byte[], CancellationToken, Task<StoredKey?>> FindByHash { get; } =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, byte[] hash, CancellationToken _) => db.ApiKeys
            .Where(k => k.KeyHash == hash)
            .Select(k => new StoredKey(k.Id, k.WorkspaceId, k.KeyHash, Scopes.Split(k.Permissions), k.ExpiresAt, k.RevokedAt))
            .SingleOrDefault());
}

internal sealed class ApiKeyService(
    ProviderStatusDbContext db, TimeProvider clock, KeyCache cache, ChangeFeed feed, KeyUsage usage, ApiKeyQueries queries)
{

    public async Task<CreatedApiKey> CreateAsync(
        string workspaceId, string? name, IReadOnlyCollection<string> permissions, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (expiresAt <= now)
        {
            throw new ApiKeyException($"--expires {UtcTimestamp.ToText(expiresAt.Value)} is not in the future.");
        }

        if (permissions.Count == 0)
        {
            throw new ApiKeyException("A key needs at least one permission.");
        }

        if (permissions.FirstOrDefault(p => !Scopes.IsValidToken(p)) is { } invalid)
        {
            throw new ApiKeyException($"'{invalid}' is not a valid permission (no spaces or quotes).");
        }

        await EnsureWorkspaceExistsAsync(workspaceId, cancellationToken);

        var secret = ApiKeyFormat.Generate();
        var record = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            WorkspaceId = workspaceId,
            Name = name,
            KeyHash = ApiKeyFormat.Hash(secret),
            LastFour = ApiKeyFormat.LastFour(secret),
            Permissions = Scopes.Join(permissions.Distinct(StringComparer.Ordinal)),
            CreatedAt = now,
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(record);

        // A lookup of this key before it existed may be cached as "no such key".
        await SaveAndAnnounceAsync(Changes.ForKey(KeyHash.From(record.KeyHash)), cancellationToken);
        return new CreatedApiKey(record, secret);
    }

    /// <summary>All keys of the workspace, revoked and expired ones included, oldest first.</summary>
    public async Task<List<ApiKey>> ListAsync(string workspaceId, CancellationToken cancellationToken)
    {
        await EnsureWorkspaceExistsAsync(workspaceId, cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().Where(k => k.WorkspaceId == workspaceId).ToListAsync(cancellationToken);
        return [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)];
    }

    /// <summary>Revokes a key given its id or the key itself. Takes effect on the next request.</summary>
    public async Task<RevokeOutcome> RevokeAsync(string idOrKey, CancellationToken cancellationToken)
    {
        ApiKey? key;
        if (idOrKey.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal))
        {
            var hash = ApiKeyFormat.Hash(idOrKey);
            key = await db.ApiKeys.SingleOrDefaultAsync(k => k.KeyHash == hash, cancellationToken);
        }
        else
        {
            key = Guid.TryParse(idOrKey, out var id) ? await db.ApiKeys.FindAsync([id], cancellationToken) : null;
        }

        if (key is null)
        {
            return RevokeOutcome.NotFound;
        }

        if (key.RevokedAt is not null)
        {
            return RevokeOutcome.AlreadyRevoked;
        }

        key.RevokedAt = clock.GetUtcNow();
        await SaveAndAnnounceAsync(Changes.ForKey(KeyHash.From(key.KeyHash)), cancellationToken);
        return RevokeOutcome.Revoked;
    }

    /// <summary>
    /// The caller behind <paramref name="presentedKey"/>, or null when the key is malformed, unknown,
    /// revoked or expired (deliberately indistinguishable to the caller). A malformed key costs no
    /// lookup at all; a well-formed one is looked up by hash in the key cache, which remembers unknown
    /// keys too, and only on a miss in the database. Expiry is judged against the clock every time.
    /// </summary>
    public async ValueTask<AuthenticatedKey?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsWellFormed(presentedKey))
        {
            return null;
        }

        var hashBytes = ApiKeyFormat.Hash(presentedKey);
        var hash = KeyHash.From(hashBytes);
        var now = clock.GetUtcNow();
        if (!cache.TryGet(hash, now, out var cached))
        {
            var generation = cache.Generation;
            cached = new CachedKey(await queries.FindByHash(db, hashBytes, cancellationToken), now);
            cache.Store(hash, cached, generation);
        }

        // The lookup was by hash; the final comparison of the stored hash is in fixed time.
        if (cached.Key is not { } key || !CryptographicOperations.FixedTimeEquals(key.KeyHash, hashBytes)
            || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        usage.Record(key.Id, now);
        return new AuthenticatedKey(key.Id, key.WorkspaceId, key.Permissions);
    }

    private async Task SaveAndAnnounceAsync(Changes changes, CancellationToken cancellationToken)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await db.SaveChangesAsync(cancellationToken);
            await ChangeFeed.AnnounceAsync(db, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        feed.ApplyLocally(changes);
    }

    private async Task EnsureWorkspaceExistsAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!await db.Workspaces.AnyAsync(w => w.Id == workspaceId, cancellationToken))
        {
            throw new ApiKeyException($"Unknown workspace '{workspaceId}'.");
        }
    }
}
