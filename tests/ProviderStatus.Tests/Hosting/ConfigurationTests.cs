using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

public sealed class OneHourStalenessFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Status:StaleAfter"] = "01:00:00",
    };
}

public sealed class ConfigurationTests(OneHourStalenessFixture fixture) : IClassFixture<OneHourStalenessFixture>
{
    [Fact]
    public async Task Status_Stale_After_Comes_From_Configuration()
    {
        var now = fixture.Clock.GetUtcNow();
        var key = await fixture.CreateWorkspaceWithKeyAsync(
            fixture.Connection("email", "gmail", "fresh") with { LastSyncAt = now.AddMinutes(-59) },
            fixture.Connection("email", "gmail", "stale") with { LastSyncAt = now.AddMinutes(-61) });

        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key));

        Assert.Equal(["healthy", "degraded"], rows.Select(r => r.GetProperty("status").GetString()));
    }
}
