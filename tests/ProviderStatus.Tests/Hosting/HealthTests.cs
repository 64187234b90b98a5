using System.Net;
using System.Text.Json.Nodes;
using ProviderStatus.Tests.Infrastructure;
using ProviderStatus.Tests.RateLimiting;

namespace ProviderStatus.Tests.Hosting;

public sealed class HealthTests_Sqlite(SqliteAppFixture fixture) : HealthTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class HealthTests_Postgres(PostgresAppFixture fixture) : HealthTests(fixture), IClassFixture<PostgresAppFixture>;

public abstract class HealthTests(AppFixture fixture)
{
    [Fact]
    public async Task Live_Answers_Without_Credentials_Or_Checks()
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/health/live", credential: null);

        await AssertHealthAsync(response, HttpStatusCode.OK, """{"status":"healthy","checks":{}}""");
    }

    [Fact]
    public async Task Ready_Reports_A_Database_That_Answers_With_An_Up_To_Date_Schema()
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);

        await AssertHealthAsync(response, HttpStatusCode.OK,
            """{"status":"healthy","checks":{"database":{"status":"healthy","description":"The database answers and its schema is up to date."}}}""");
    }

    [Fact]
    public async Task Health_Ignores_Any_Credential_Even_A_Bad_One()
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/health/live", "wbk_clearly_not_valid");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("X-RateLimit-Limit"));
        Assert.False(response.Headers.Contains("WWW-Authenticate"));
    }

    internal static async Task AssertHealthAsync(HttpResponseMessage response, HttpStatusCode status, string expectedJson)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, "health answers must not be cached");
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expectedJson), JsonNode.Parse(body)), body);
        Assert.NotEmpty(Responses.RequestId(response));
    }
}

public sealed class UnmigratedPostgresFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override bool Migrated => false;
}

public sealed class ReadinessWithoutMigrationsTests(UnmigratedPostgresFixture fixture) : IClassFixture<UnmigratedPostgresFixture>
{
    [Fact]
    public async Task Ready_Is_503_Until_Migrations_Are_Applied_While_Live_Stays_200()
    {
        var before = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);
        var live = await fixture.SendAsync(HttpMethod.Get, "/health/live", credential: null);
        var migrate = await fixture.RunCommandAsync("migrate");
        var after = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);

        await HealthTests.AssertHealthAsync(before, HttpStatusCode.ServiceUnavailable,
            """{"status":"unhealthy","checks":{"database":{"status":"unhealthy","description":"2 migration(s) pending: run the migrate command."}}}""");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(0, migrate.ExitCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}

public sealed class HealthIsNeverRateLimitedTests(RateLimitedSqliteFixture fixture) : IClassFixture<RateLimitedSqliteFixture>
{
    [Fact]
    public async Task Health_Endpoints_Answer_Past_The_Rate_Limit()
    {
        fixture.Clock.AdvanceToNextWindow(60);
        for (var i = 0; i < 4; i++)
        {
            await fixture.GetProvidersAsync(credential: null);
        }

        var anonymous = await fixture.GetProvidersAsync(credential: null);
        var live = await fixture.SendAsync(HttpMethod.Get, "/health/live", credential: null);
        var ready = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);

        Assert.Equal(HttpStatusCode.TooManyRequests, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }
}
