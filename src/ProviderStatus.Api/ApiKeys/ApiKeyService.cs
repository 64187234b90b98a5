using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>A request about keys that cannot be carried out; the message says why.</summary>
internal sealed class ApiKeyException(string message) : Exception(message);

/// <summary>A key as just created: the only moment its secret exists outside the caller's hands.</summary>
internal sealed record CreatedApiKey(ApiKey Record, string Secret);

/// <summary>The caller behind a valid key: one instance per key cache entry, shared by its requests.</summary>
internal sealed record AuthenticatedKey(Guid KeyId, string WorkspaceId, string[] Permissions);

/// <summary>What authentication needs to know of a stored key.</summary>
internal sealed record StoredKey(Guid Id, string WorkspaceId, byte[] KeyHash, string[] Permissions, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

internal enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}

/// <summary>Creating, listing and revoking keys: the <c>keys</c> commands.</summary>
internal sealed class ApiKeyService(ProviderStatusDbContext db, TimeProvider clock, ChangeFeed feed)
{

    public async Task<CreatedApiKey> CreateAsync(
        string workspaceId, string? name, IReadOnlyCollection<string> permissions, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (expiresAt <= now)
        {
            throw new ApiKeyException($"--expires {UtcTimestamp.ToText(expiresAt.Value)} is not in the future.");
        }

        // A name is for people reading 'keys list': one line, and it must fit its column.
        if (name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > ApiKey.MaxNameLength || name.Any(char.IsControl)))
        {
            throw new ApiKeyException($"--name must be 1–{ApiKey.MaxNameLength} characters on one line.");
        }

        if (permissions.Count == 0)
        {
            throw new ApiKeyException("A key needs at least one permission.");
        }

        if (permissions.FirstOrDefault(p => !Scopes.IsValidToken(p)) is { } invalid)
        {
            throw new ApiKeyException($"'{invalid}' is not a valid permission ({Scopes.TokenRule}).");
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
        await SaveAndEvictAsync(Changes.ForKey(KeyHash.From(record.KeyHash)), cancellationToken);
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
        await SaveAndEvictAsync(Changes.ForKey(KeyHash.From(key.KeyHash)), cancellationToken);
        return RevokeOutcome.Revoked;
    }

    /// <summary>Saves, then evicts this process's cached lookups; other instances hear of it on the change feed.</summary>
    private async Task SaveAndEvictAsync(Changes changes, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
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
