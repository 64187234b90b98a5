using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Caching;

/// <summary>What a write changed, as far as the caches are concerned.</summary>
internal sealed record Changes(IReadOnlyCollection<string> Workspaces, IReadOnlyCollection<KeyHash> Keys)
{
    public static Changes ForWorkspaces(IReadOnlyCollection<string> workspaces) => new(workspaces, []);

    public static Changes ForKey(KeyHash key) => new([], [key]);

    public IEnumerable<string> Payloads() =>
        Workspaces.Select(ChangeFeed.WorkspacePayload).Concat(Keys.Select(ChangeFeed.KeyPayload));
}

/// <summary>
/// Keeps caches in every instance in step with the database. A write announces what it changed on
/// PostgreSQL's <c>LISTEN/NOTIFY</c> channel inside its own transaction, so the notification goes out
/// exactly when (and only if) the change commits, and evicts its own process's caches once committed.
/// On SQLite there is no channel: other processes see a change once their entries age past
/// <see cref="CacheOptions.MaxStaleness"/>.
/// </summary>
internal sealed class ChangeFeed(ResponseCache responses, KeyCache keys)
{
    public const string Channel = "providerstatus_changes";

    public static string WorkspacePayload(string workspaceId) => "w:" + workspaceId;

    public static string KeyPayload(KeyHash key) => "k:" + key;

    public static string PingPayload(Guid instance, DateTimeOffset sentAt) => $"p:{instance:N}:{sentAt.UtcTicks}";

    /// <summary>Announces <paramref name="changes"/>; call inside the transaction that makes them.</summary>
    public static async Task AnnounceAsync(ProviderStatusDbContext db, Changes changes, CancellationToken cancellationToken)
    {
        var payloads = changes.Payloads().ToArray();
        if (payloads.Length > 0 && db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_notify({Channel}, payload) FROM unnest({payloads}) AS payload", cancellationToken);
        }
    }

    /// <summary>Evicts what <paramref name="changes"/> made stale in this process; call after commit.</summary>
    public void ApplyLocally(Changes changes)
    {
        foreach (var workspace in changes.Workspaces)
        {
            responses.Evict(workspace);
        }

        foreach (var key in changes.Keys)
        {
            keys.Evict(key);
        }
    }

    /// <summary>Applies one notification received from the channel.</summary>
    public void Apply(string payload, Guid instance, CacheFreshness freshness)
    {
        if (payload.StartsWith("w:", StringComparison.Ordinal))
        {
            responses.Evict(payload[2..]);
        }
        else if (payload.StartsWith("k:", StringComparison.Ordinal) && KeyHash.TryParse(payload[2..], out var key))
        {
            keys.Evict(key);
        }
        else if (payload.StartsWith($"p:{instance:N}:", StringComparison.Ordinal)
            && long.TryParse(payload.AsSpan(35), System.Globalization.CultureInfo.InvariantCulture, out var ticks))
        {
            freshness.Confirm(new DateTimeOffset(ticks, TimeSpan.Zero));
        }
    }

    /// <summary>Forgets everything: used when notifications may have been missed.</summary>
    public void Clear()
    {
        responses.Clear();
        keys.Clear();
    }
}
