using System.Net;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Providers;

public sealed class CachedAnswerTests_Sqlite(SqliteAppFixture fixture) : CachedAnswerTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class CachedAnswerTests_Postgres(PostgresAppFixture fixture) : CachedAnswerTests(fixture), IClassFixture<PostgresAppFixture>;

/// <summary>
/// The cached-answer middleware answers repeated API-key requests ahead of routing. Whichever path
/// answers, the response must be the same; and whatever it cannot answer alone must reach the
/// endpoint. <see cref="EndpointHeaderStartupFilter"/> tells the two paths apart.
/// </summary>
public abstract class CachedAnswerTests(AppFixture fixture)
{
    private const string Path = "/v1/settings/providers";
    private const string Endpoint = EndpointHeaderStartupFilter.HeaderName;

    /// <summary>Headers that differ between any two requests.</summary>
    private static readonly string[] PerRequestHeaders = ["Date", "X-Request-ID", "X-RateLimit-Remaining", Endpoint];

    [Theory]
    [InlineData("", false)]
    [InlineData("?category=email", false)]
    [InlineData("", true)]
    [InlineData("?category=billing", true)]
    public async Task A_Repeated_Request_Is_Answered_From_The_Caches_As_The_Endpoint_Answered_It(string query, bool withETag)
    {
        var connections = new[] { fixture.Connection("email", "gmail"), fixture.Connection("billing", "stripe") };
        var key = await fixture.CreateWorkspaceWithKeyAsync(connections);

        // Another workspace with the same connections has the same answer, so its ETag is this one's.
        var etag = withETag ? (await fixture.GetProvidersAsync(await fixture.CreateWorkspaceWithKeyAsync(connections), query)).Headers.ETag : null;
        await fixture.ChangesDeliveredAsync();
        Task<HttpResponseMessage> Send() => fixture.SendAsync(HttpMethod.Get, Path + query, key, request =>
        {
            if (etag is not null)
            {
                request.Headers.IfNoneMatch.Add(etag);
            }
        });

        var fromEndpoint = await Send();
        var fromCaches = await Send();

        Assert.Equal(withETag ? HttpStatusCode.NotModified : HttpStatusCode.OK, fromEndpoint.StatusCode);
        Assert.Equal("HTTP: GET /v1/settings/providers => ListProviders", Responses.Header(fromEndpoint, Endpoint));
        Assert.Equal("none", Responses.Header(fromCaches, Endpoint));
        await AssertAlikeAsync(fromEndpoint, fromCaches);
    }

    [Theory]
    [InlineData("", "?category=email")]
    [InlineData("?category=billing", "")]
    public async Task A_Known_Key_Whose_Answer_Is_Not_Cached_Gets_The_Endpoints_Read_Ahead_Of_Routing(string query, string otherQuery)
    {
        var connections = new[] { fixture.Connection("email", "gmail"), fixture.Connection("billing", "stripe") };
        var key = await fixture.CreateWorkspaceWithKeyAsync(connections);

        // Another workspace with the same connections has the same answer: the endpoint gives it.
        var fromEndpoint = await fixture.GetProvidersAsync(await fixture.CreateWorkspaceWithKeyAsync(connections), query);

        // The key's first request fills the key cache; the answer asked for next is not cached.
        await fixture.ChangesDeliveredAsync();
        Assert.NotEqual("none", Responses.Header(await fixture.GetProvidersAsync(key, otherQuery), Endpoint));
        var read = await fixture.GetProvidersAsync(key, query);

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("HTTP: GET /v1/settings/providers => ListProviders", Responses.Header(fromEndpoint, Endpoint));
        Assert.Equal("none", Responses.Header(read, Endpoint));
        await AssertAlikeAsync(fromEndpoint, read);
    }

    [Fact]
    public async Task A_Key_The_Key_Cache_Knows_To_Be_Bad_Is_Refused_From_It_As_The_Endpoint_Refuses_It()
    {
        var unknown = ApiKeyFormat.Generate();
        await fixture.ChangesDeliveredAsync();

        var fromEndpoint = await fixture.GetProvidersAsync(unknown);
        var fromCaches = await fixture.GetProvidersAsync(unknown);
        var malformed = await fixture.GetProvidersAsync("wbk_not-even-the-shape-of-a-key");

        Assert.NotEqual("none", Responses.Header(fromEndpoint, Endpoint));
        Assert.Equal("none", Responses.Header(fromCaches, Endpoint));
        Assert.Equal("none", Responses.Header(malformed, Endpoint));
        foreach (var response in new[] { fromEndpoint, fromCaches, malformed })
        {
            await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        }

        await AssertAlikeAsync(fromEndpoint, fromCaches);
        await AssertAlikeAsync(fromEndpoint, malformed);
    }

    public static TheoryData<string> RequestsOnlyTheEndpointAnswers =>
    [
        "HEAD", "CORS", "JWT", "no read:settings", "?category=EMAIL", "?category=email&category=billing", "?category=email&x=1", "/V1/settings/providers",
    ];

    [Theory]
    [MemberData(nameof(RequestsOnlyTheEndpointAnswers))]
    public async Task What_It_Cannot_Answer_Alone_Reaches_The_Endpoint(string request)
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        await fixture.ChangesDeliveredAsync();
        await fixture.GetProvidersAsync(key);
        await fixture.GetProvidersAsync(key, "?category=email");
        Assert.Equal("none", Responses.Header(await fixture.GetProvidersAsync(key), Endpoint));

        var response = request switch
        {
            "HEAD" => await fixture.SendAsync(HttpMethod.Head, Path, key),
            "CORS" => await fixture.SendAsync(HttpMethod.Get, Path, key, r => r.Headers.Add("Origin", "https://settings.example.com")),
            "JWT" => await fixture.GetProvidersAsync(Jwts.Create(fixture.Clock, workspace)),
            "no read:settings" => await fixture.GetProvidersAsync(await fixture.CreateKeyAsync(workspace, permissions: ["write:settings"])),
            _ when request.StartsWith('/') => await fixture.SendAsync(HttpMethod.Get, request, key),
            _ => await fixture.GetProvidersAsync(key, request),
        };

        Assert.NotEqual("none", Responses.Header(response, Endpoint));
    }

    [Fact]
    public async Task Each_Request_Counts_Once_Against_The_Rate_Limit_Whichever_Path_Answers_It()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        await fixture.ChangesDeliveredAsync();

        var responses = new[]
        {
            await fixture.GetProvidersAsync(key),
            await fixture.GetProvidersAsync(key),
            await fixture.SendAsync(HttpMethod.Head, Path, key),
            await fixture.GetProvidersAsync(key, "?category=email"),
            await fixture.GetProvidersAsync(key, "?category=email"),
        };

        Assert.Equal(["none", "none"], new[] { responses[1], responses[4] }.Select(r => Responses.Header(r, Endpoint)));
        var remaining = responses.Select(r => int.Parse(Responses.Header(r, "X-RateLimit-Remaining"))).ToArray();
        Assert.Equal(Enumerable.Range(0, remaining.Length).Select(i => remaining[0] - i), remaining);
    }

    /// <summary>The same status, body and headers, but for those that differ between any two requests.</summary>
    private static async Task AssertAlikeAsync(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(Headers(expected), Headers(actual));
        Assert.Equal(
            (await expected.Content.ReadAsStringAsync()).Replace(Responses.RequestId(expected), "{id}", StringComparison.Ordinal),
            (await actual.Content.ReadAsStringAsync()).Replace(Responses.RequestId(actual), "{id}", StringComparison.Ordinal));
    }

    private static List<string> Headers(HttpResponseMessage response) =>
    [
        .. response.Headers.Concat(response.Content.Headers)
            .Where(header => !PerRequestHeaders.Contains(header.Key, StringComparer.OrdinalIgnoreCase))
            .Select(header => $"{header.Key}: {string.Join(", ", header.Value)}")
            .Order(StringComparer.Ordinal),
    ];
}
