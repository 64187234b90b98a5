using ProviderStatus.Api.Providers;

namespace ProviderStatus.Tests.Providers;

public sealed class ProviderStatusRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 18, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromHours(24);
    private static readonly ConnectionFacts Healthy = new(Now.AddDays(-30), null, Now.AddHours(-1), null, null);

    private static ConnectionHealth Evaluate(ConnectionFacts facts) => ProviderStatusRules.Evaluate(facts, Now, StaleAfter);

    [Fact]
    public void A_Recently_Synced_Connection_Without_Errors_Is_Healthy() =>
        Assert.Equal(new ConnectionHealth(ConnectionStatus.Healthy, true, null), Evaluate(Healthy));

    [Fact]
    public void Disconnected_Wins_Over_Every_Other_Fact() =>
        Assert.Equal(
            new ConnectionHealth(ConnectionStatus.Disconnected, false, "Disconnected since 2026-04-16T08:30:00Z."),
            Evaluate(Healthy with
            {
                DisconnectedAt = new DateTimeOffset(2026, 4, 16, 10, 30, 0, TimeSpan.FromHours(2)),
                AuthError = "auth",
                LastSyncError = "sync",
                LastSyncAt = Now.AddDays(-10),
            }));

    [Fact]
    public void An_Authentication_Error_Needs_Reauth_And_Wins_Over_Sync_Errors_And_Staleness() =>
        Assert.Equal(
            new ConnectionHealth(ConnectionStatus.NeedsReauth, false, "invalid_grant: token revoked"),
            Evaluate(Healthy with { AuthError = "invalid_grant: token revoked", LastSyncError = "sync", LastSyncAt = Now.AddDays(-10) }));

    [Fact]
    public void A_Failed_Latest_Sync_Is_Degraded_With_Its_Error_And_Wins_Over_Staleness() =>
        Assert.Equal(
            new ConnectionHealth(ConnectionStatus.Degraded, true, "HTTP 503 from provider"),
            Evaluate(Healthy with { LastSyncError = "HTTP 503 from provider", LastSyncAt = Now.AddDays(-10) }));

    [Fact]
    public void No_Successful_Sync_Within_Stale_After_Is_Degraded_Saying_Since_When()
    {
        var lastSync = Now - StaleAfter - TimeSpan.FromSeconds(1);

        Assert.Equal(
            new ConnectionHealth(ConnectionStatus.Degraded, true, "No successful sync since 2026-04-17T11:59:59Z."),
            Evaluate(Healthy with { LastSyncAt = lastSync }));
    }

    [Fact]
    public void Exactly_Stale_After_Since_The_Last_Sync_Is_Still_Healthy() =>
        Assert.Equal(ConnectionStatus.Healthy, Evaluate(Healthy with { LastSyncAt = Now - StaleAfter }).Status);

    [Fact]
    public void A_Connection_That_Never_Synced_Counts_From_When_It_Was_Connected()
    {
        var fresh = Evaluate(Healthy with { ConnectedAt = Now.AddHours(-23), LastSyncAt = null });
        var stale = Evaluate(Healthy with { ConnectedAt = Now.AddHours(-25), LastSyncAt = null });

        Assert.Equal(new ConnectionHealth(ConnectionStatus.Healthy, true, null), fresh);
        Assert.Equal(new ConnectionHealth(ConnectionStatus.Degraded, true, "Never synced since it was connected at 2026-04-17T11:00:00Z."), stale);
    }

    [Fact]
    public void Stale_After_Is_A_Parameter_Not_A_Constant() =>
        Assert.Equal(
            ConnectionStatus.Degraded,
            ProviderStatusRules.Evaluate(Healthy with { LastSyncAt = Now.AddMinutes(-61) }, Now, TimeSpan.FromHours(1)).Status);
}
