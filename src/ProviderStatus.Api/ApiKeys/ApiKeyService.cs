using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>A request about keys that cannot be carried out; the message says why.</summary>
internal sealed class ApiKeyException(string message) : Exception(message);

/// <summary>A key as just created: the only moment its secret exists outside the caller's hands.</summary>
internal sealed record CreatedApiKey(ApiKey Record, string Secret);

/// <summary>The caller behind a valid key.</summary>
internal sealed record AuthenticatedKey(Guid KeyId, string WorkspaceId, string[] Permissions);

internal enum RevokeOutcome
{
    Revoked,
    AlreadyRevoked,
    NotFound,
}

internal sealed class ApiKeyService(ProviderStatusDbContext db, TimeProvider clock)
{
    /// <summary><c>last_used_at</c> is written at most this often per key, not on every request.</summary>
    internal static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

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
        await db.SaveChangesAsync(cancellationToken);
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
        await db.SaveChangesAsync(cancellationToken);
        return RevokeOutcome.Revoked;
    }

    /// <summary>
    /// The caller behind <paramref name="presentedKey"/>, or null when the key is malformed, unknown,
    /// revoked or expired (deliberately indistinguishable to the caller). A malformed key costs no
    /// database query; a well-formed one costs a lookup by hash on a unique index.
    /// </summary>
    public async Task<AuthenticatedKey?> AuthenticateAsync(string presentedKey, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.IsWellFormed(presentedKey))
        {
            return null;
        }

        var hash = ApiKeyFormat.Hash(presentedKey);
        var key = await db.ApiKeys.AsNoTracking()
            .Where(k => k.KeyHash == hash)
            .Select(k => new { k.Id, k.WorkspaceId, k.KeyHash, k.Permissions, k.ExpiresAt, k.RevokedAt, k.LastUsedAt })
            .SingleOrDefaultAsync(cancellationToken);

        var now = clock.GetUtcNow();
        if (key is null || !CryptographicOperations.FixedTimeEquals(key.KeyHash, hash)
            || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        if (key.LastUsedAt is null || now - key.LastUsedAt >= LastUsedResolution)
        {
            await db.ApiKeys.Where(k => k.Id == key.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        }

        return new AuthenticatedKey(key.Id, key.WorkspaceId, Scopes.Split(key.Permissions));
    }

    private async Task EnsureWorkspaceExistsAsync(string workspaceId, CancellationToken cancellationToken)
    {
        if (!await db.Workspaces.AnyAsync(w => w.Id == workspaceId, cancellationToken))
        {
            throw new ApiKeyException($"Unknown workspace '{workspaceId}'.");
        }
    }
}
