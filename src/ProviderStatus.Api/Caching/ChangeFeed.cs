namespace ProviderStatus.Api.Caching;

/// <summary>What a write changed, as far as the caches are concerned.</summary>
internal sealed record Changes(IReadOnlyCollection<string> Workspaces, IReadOnlyCollection<KeyHash> Keys)
{
    public static Changes ForWorkspaces(IReadOnlyCollection<string> workspaces) => new(workspaces, []);

    public static Changes ForKey(KeyHash key) => new([], [key]);
}

/// <summary>
/// Keeps caches in every instance in step with the database. On PostgreSQL, triggers (migration
/// <c>ChangeNotifications</c>) announce every committed change to connections and keys on the
/// <c>LISTEN/NOTIFY</c> channel, whoever writes it; <see cref="ChangeListener"/> applies what arrives.
/// A write made by this process also evicts its own caches once committed. On SQLite there is no
/// channel: other processes see a change once their entries age past <see cref="CacheOptions.MaxStaleness"/>.
/// </summary>
internal sealed class ChangeFeed(ResponseCache responses, KeyCache keys)
{
    public const string Channel = "providerstatus_changes";

    public static string PingPayload(Guid instance, DateTimeOffset sentAt) => $"p:{instance:N}:{sentAt.UtcTicks}";

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

    /// <summary>Raised once a notification has been applied; tests wait on it to know the feed has caught up.</summary>
    public event Action<string>? Applied;

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

        Applied?.Invoke(payload);
    }

    /// <summary>Forgets everything: used when notifications may have been missed.</summary>
    public void Clear()
    {
        responses.Clear();
        keys.Clear();
    }
}
