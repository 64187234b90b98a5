using Microsoft.Extensions.Options;
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

    [Theory]
    [InlineData("RateLimiting:PermitLimit", "0", "RateLimiting:PermitLimit must be > 0.")]
    [InlineData("RateLimiting:WindowSeconds", "-5", "RateLimiting:WindowSeconds must be between 1 and 86400.")]
    [InlineData("Status:StaleAfter", "00:00:00", "Status:StaleAfter must be > 0")]
    [InlineData("Auth:Jwt:SigningKey", "too-short", "Auth:Jwt:SigningKey must be at least 32 bytes for HS256.")]
    [InlineData("Auth:Jwt:Audience", "", "Auth:Jwt:Audience must be set when JWTs are enabled.")]
    [InlineData("ConnectionStrings:Postgres", "Hots=db;Password=hunter2", "ConnectionStrings:Postgres is not a valid connection string")]
    public async Task An_Invalid_Setting_Stops_Startup_Naming_The_Key(string key, string value, string message)
    {
        var file = Path.Combine(Path.GetTempPath(), $"providerstatus-config-{Guid.NewGuid():N}.db");
        await using var app = new ProviderStatusApp(DatabaseKind.Sqlite, $"Data Source={file}", new Dictionary<string, string?> { [key] = value }, null);

        var error = Assert.Throws<OptionsValidationException>(() => app.Server);

        Assert.Contains(message, error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
    }
}
