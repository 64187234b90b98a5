using System.Net;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary>Real Kestrel on a loopback port, with one allowed browser origin.</summary>
public sealed class KestrelCorsFixture : AppFixture
{
    public const string AllowedOrigin = "https://settings.example.com";

    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override bool RealSockets => true;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cors:AllowedOrigins:0"] = AllowedOrigin,
    };
}

public sealed class SecurityHeadersAndCorsTests(KestrelCorsFixture fixture) : IClassFixture<KestrelCorsFixture>
{
    [Fact]
    public async Task Every_Response_Says_Nosniff_And_None_Names_The_Server()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        HttpResponseMessage[] responses =
        [
            await fixture.GetProvidersAsync(key),
            await fixture.GetProvidersAsync(credential: null),
            await fixture.GetProvidersAsync(key, "?category=x"),
            await fixture.SendAsync(HttpMethod.Get, "/nowhere", credential: null),
            await fixture.SendAsync(HttpMethod.Get, "/health/live", credential: null),
        ];

        Assert.All(responses, response =>
        {
            Assert.Equal("nosniff", Responses.Header(response, "X-Content-Type-Options"));
            Assert.Empty(response.Headers.Server);
            Assert.False(response.Headers.Contains("Server"));
        });
    }

    [Fact]
    public async Task A_Preflight_From_The_Allowed_Origin_Is_Answered_Without_Credentials()
    {
        var response = await fixture.SendAsync(HttpMethod.Options, "/v1/settings/providers", credential: null, request =>
        {
            request.Headers.Add("Origin", KestrelCorsFixture.AllowedOrigin);
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,x-request-id");
        });

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(KestrelCorsFixture.AllowedOrigin, Responses.Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("GET", Responses.Header(response, "Access-Control-Allow-Methods"));
        var allowedHeaders = Responses.Header(response, "Access-Control-Allow-Headers").ToLowerInvariant();
        Assert.Contains("authorization", allowedHeaders);
        Assert.Contains("x-request-id", allowedHeaders);
    }

    [Fact]
    public async Task The_Allowed_Origin_Can_Read_The_Rate_Limit_And_Request_Id_Headers()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));

        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key,
            request => request.Headers.Add("Origin", KestrelCorsFixture.AllowedOrigin));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KestrelCorsFixture.AllowedOrigin, Responses.Header(response, "Access-Control-Allow-Origin"));
        var exposed = Responses.Header(response, "Access-Control-Expose-Headers").Split(',', StringSplitOptions.TrimEntries);
        Assert.Superset(new HashSet<string>(["X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-Request-ID", "Retry-After"]), new HashSet<string>(exposed));
    }

    [Fact]
    public async Task Another_Origin_Gets_No_Cors_Permission()
    {
        var response = await fixture.SendAsync(HttpMethod.Options, "/v1/settings/providers", credential: null, request =>
        {
            request.Headers.Add("Origin", "https://evil.example.net");
            request.Headers.Add("Access-Control-Request-Method", "GET");
            request.Headers.Add("Access-Control-Request-Headers", "authorization");
        });

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
