using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Providers;

/// <summary>The stored facts about one connection that its status is derived from.</summary>
internal readonly record struct ConnectionFacts(
    DateTimeOffset ConnectedAt,
    DateTimeOffset? DisconnectedAt,
    DateTimeOffset? LastSyncAt,
    string? LastSyncError,
    string? AuthError);

internal readonly record struct ConnectionHealth(ConnectionStatus Status, bool Connected, string? ErrorMessage);

/// <summary>
/// How a connection's status follows from its stored facts and the clock. The first rule that
/// matches wins; the order is part of the API's contract (see README, "Status rules").
/// </summary>
internal static class ProviderStatusRules
{
    public static ConnectionHealth Evaluate(ConnectionFacts facts, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (facts.DisconnectedAt is { } disconnectedAt)
        {
            return new(ConnectionStatus.Disconnected, false, $"Disconnected since {UtcTimestamp.ToText(disconnectedAt)}.");
        }

        if (facts.AuthError is not null)
        {
            return new(ConnectionStatus.NeedsReauth, false, facts.AuthError);
        }

        if (facts.LastSyncError is not null)
        {
            return new(ConnectionStatus.Degraded, true, facts.LastSyncError);
        }

        var lastSuccess = facts.LastSyncAt ?? facts.ConnectedAt;
        if (now - lastSuccess > staleAfter)
        {
            return new(ConnectionStatus.Degraded, true, facts.LastSyncAt is null
                ? $"Never synced since it was connected at {UtcTimestamp.ToText(lastSuccess)}."
                : $"No successful sync since {UtcTimestamp.ToText(lastSuccess)}.");
        }

        return new(ConnectionStatus.Healthy, true, null);
    }

    /// <summary>
    /// Until when <see cref="Evaluate"/> keeps giving the answer it gives at <paramref name="now"/>,
    /// if the clock alone will change it: a healthy connection turns degraded once its last successful
    /// sync is older than <paramref name="staleAfter"/>. Null when only new facts can change it.
    /// </summary>
    public static DateTimeOffset? UnchangedUntil(ConnectionFacts facts, DateTimeOffset now, TimeSpan staleAfter)
    {
        if (facts.DisconnectedAt is not null || facts.AuthError is not null || facts.LastSyncError is not null)
        {
            return null;
        }

        var turnsStale = (facts.LastSyncAt ?? facts.ConnectedAt) + staleAfter;
        return now <= turnsStale ? turnsStale : null;
    }
}
