using System.Net;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.RateLimiting;

public sealed class RateLimitedSqliteFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = RateLimitTests.Limits;
}

public sealed class RateLimitedPostgresFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = RateLimitTests.Limits;
}

public sealed class RateLimitTests_Sqlite(RateLimitedSqliteFixture fixture) : RateLimitTests(fixture), IClassFixture<RateLimitedSqliteFixture>;

public sealed class RateLimitTests_Postgres(RateLimitedPostgresFixture fixture) : RateLimitTests(fixture), IClassFixture<RateLimitedPostgresFixture>;

public abstract class RateLimitTests(AppFixture fixture)
{
    internal static readonly Dictionary<string, string?> Limits = new()
    {
        ["RateLimiting:PermitLimit"] = "3",
        ["RateLimiting:WindowSeconds"] = "60",
    };

    [Fact]
    public async Task Each_Credential_Gets_The_Limit_Per_Window_Then_429_Until_The_Window_Ends()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        var otherKey = await fixture.CreateKeyAsync(workspace);
        var windowStart = fixture.Clock.AdvanceToNextWindow(60);
        var reset = (windowStart.ToUnixTimeSeconds() + 60).ToString();

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await fixture.GetProvidersAsync(key));
        }

        var limited = await fixture.GetProvidersAsync(key);
        var otherCredential = await fixture.GetProvidersAsync(otherKey);
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        var stillLimited = await fixture.GetProvidersAsync(key);
        fixture.Clock.Advance(TimeSpan.FromSeconds(30));
        var nextWindow = await fixture.GetProvidersAsync(key);

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["2", "1", "0"], allowed.Select(r => Responses.Header(r, "X-RateLimit-Remaining")));
        Assert.All(allowed, r => Assert.Equal("3", Responses.Header(r, "X-RateLimit-Limit")));
        Assert.All(allowed, r => Assert.Equal(reset, Responses.Header(r, "X-RateLimit-Reset")));

        await Responses.AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(60), limited.Headers.RetryAfter?.Delta);
        Assert.Equal("0", Responses.Header(limited, "X-RateLimit-Remaining"));
        Assert.Equal(reset, Responses.Header(limited, "X-RateLimit-Reset"));

        Assert.Equal(HttpStatusCode.OK, otherCredential.StatusCode);
        Assert.Equal("2", Responses.Header(otherCredential, "X-RateLimit-Remaining"));

        await Responses.AssertErrorAsync(stillLimited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(TimeSpan.FromSeconds(30), stillLimited.Headers.RetryAfter?.Delta);

        Assert.Equal(HttpStatusCode.OK, nextWindow.StatusCode);
        Assert.Equal("2", Responses.Header(nextWindow, "X-RateLimit-Remaining"));
        Assert.Equal((windowStart.ToUnixTimeSeconds() + 120).ToString(), Responses.Header(nextWindow, "X-RateLimit-Reset"));
    }

    [Fact]
    public async Task Failed_Authentication_Spends_The_Client_Ip_Budget_Not_The_Keys()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        fixture.Clock.AdvanceToNextWindow(60);

        var guesses = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            guesses.Add(await fixture.GetProvidersAsync(key[..^1] + (key[^1] == 'a' ? 'b' : 'a')));
        }

        var throttledGuess = await fixture.GetProvidersAsync("wbk_made_up");
        var throttledAnonymous = await fixture.GetProvidersAsync(credential: null);
        var owner = await fixture.GetProvidersAsync(key);

        Assert.All(guesses, r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        Assert.Equal(["2", "1", "0"], guesses.Select(r => Responses.Header(r, "X-RateLimit-Remaining")));
        await Responses.AssertErrorAsync(throttledGuess, HttpStatusCode.TooManyRequests, "rate_limited");
        await Responses.AssertErrorAsync(throttledAnonymous, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
        Assert.Equal("2", Responses.Header(owner, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Jwt_Callers_Are_Limited_Per_Workspace_And_Subject()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var alice = Jwts.Create(fixture.Clock, workspace, subject: "alice", permissions: ["read:settings"], expiresIn: TimeSpan.FromHours(2));
        var bob = Jwts.Create(fixture.Clock, workspace, subject: "bob", permissions: ["read:settings"], expiresIn: TimeSpan.FromHours(2));
        fixture.Clock.AdvanceToNextWindow(60);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(alice)).StatusCode);
        }

        await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(alice), HttpStatusCode.TooManyRequests, "rate_limited");
        var other = await fixture.GetProvidersAsync(bob);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal("2", Responses.Header(other, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Every_V1_Response_Carries_The_Rate_Limit_And_Request_Id_Headers()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var readKey = await fixture.CreateKeyAsync(workspace);
        var badRequestKey = await fixture.CreateKeyAsync(workspace);
        var billingKey = await fixture.CreateKeyAsync(workspace, permissions: ["read:billing"]);
        var notFoundKey = await fixture.CreateKeyAsync(workspace);
        var methodKey = await fixture.CreateKeyAsync(workspace);
        fixture.Clock.AdvanceToNextWindow(60);

        HttpResponseMessage[] responses =
        [
            await fixture.GetProvidersAsync(readKey),
            await fixture.GetProvidersAsync(badRequestKey, "?category=nope"),
            await fixture.GetProvidersAsync(credential: null),
            await fixture.GetProvidersAsync(billingKey),
            await fixture.SendAsync(HttpMethod.Get, "/v1/settings/unknown", notFoundKey),
            await fixture.SendAsync(HttpMethod.Delete, "/v1/settings/providers", methodKey),
        ];

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed],
            responses.Select(r => r.StatusCode));
        Assert.All(responses, r =>
        {
            Assert.Equal("3", Responses.Header(r, "X-RateLimit-Limit"));
            Assert.Equal("2", Responses.Header(r, "X-RateLimit-Remaining"));
            Assert.True(long.TryParse(Responses.Header(r, "X-RateLimit-Reset"), out _));
            Assert.NotEmpty(Responses.RequestId(r));
        });
    }
}
