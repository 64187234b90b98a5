using System.Net;
using System.Net.Http.Headers;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Caching;

public sealed class ETagTests_Sqlite(SqliteAppFixture fixture) : ETagTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class ETagTests_Postgres(PostgresAppFixture fixture) : ETagTests(fixture), IClassFixture<PostgresAppFixture>;

public abstract class ETagTests(AppFixture fixture)
{
    [Fact]
    public async Task The_Same_Data_Has_The_Same_Strong_ETag_And_Each_Category_Its_Own()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"), fixture.Connection("billing", "stripe"));

        var first = await fixture.GetProvidersAsync(key);
        var second = await fixture.GetProvidersAsync(key);
        var email = await fixture.GetProvidersAsync(key, "?category=email");

        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        Assert.Equal(etag, second.Headers.ETag);
        Assert.NotEqual(etag, email.Headers.ETag);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("{etag}")]
    [InlineData("W/{etag}")]
    [InlineData("\"something-else\", {etag}")]
    [InlineData("*")]
    public async Task A_Matching_If_None_Match_Gets_304_Without_A_Body(string ifNoneMatch)
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var etag = (await fixture.GetProvidersAsync(key)).Headers.ETag!.Tag;

        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key,
            request => request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch.Replace("{etag}", etag, StringComparison.Ordinal)));

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, response.Headers.ETag?.Tag);
        Assert.True(response.Headers.CacheControl?.Private);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Contains("Authorization", response.Headers.Vary);
        Assert.NotNull(Responses.Header(response, "X-RateLimit-Remaining"));
        Assert.NotEmpty(Responses.RequestId(response));
    }

    [Fact]
    public async Task A_Stale_ETag_Gets_The_New_Body_And_A_New_ETag_After_Any_Change()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail", "a@example.test"));
        var key = await fixture.CreateKeyAsync(workspace);
        var before = (await fixture.GetProvidersAsync(key)).Headers.ETag!;

        await fixture.ImportFileAsync(AppFixture.ImportJson(workspace,
            [fixture.Connection("email", "gmail", "a@example.test") with { LastSyncError = "Quota exceeded." }]));
        var after = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key,
            request => request.Headers.IfNoneMatch.Add(before));

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(before, after.Headers.ETag);
        Assert.Equal("degraded", (await Responses.ProvidersAsync(after)).Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_Cached_Answer_Turns_Degraded_The_Moment_The_Clock_Makes_It_Stale()
    {
        var now = fixture.Clock.GetUtcNow();
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail") with { LastSyncAt = now - TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1) });
        var healthy = await fixture.GetProvidersAsync(key);

        // Two seconds: well inside the cache's five-second bound, but across the staleness boundary.
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var stale = await fixture.GetProvidersAsync(key);

        Assert.Equal("healthy", (await Responses.ProvidersAsync(healthy)).Single().GetProperty("status").GetString());
        Assert.Equal("degraded", (await Responses.ProvidersAsync(stale)).Single().GetProperty("status").GetString());
        Assert.NotEqual(healthy.Headers.ETag, stale.Headers.ETag);
    }

    [Fact]
    public async Task A_Workspace_Changed_In_This_Process_Is_Seen_At_Once()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail", "a@example.test"));
        var key = await fixture.CreateKeyAsync(workspace);
        Assert.Single(await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key)));

        await fixture.ImportFileAsync(AppFixture.ImportJson(workspace, [fixture.Connection("calendar", "google", "a@example.test")]));

        Assert.Equal(2, (await Responses.ProvidersAsync(await fixture.GetProvidersAsync(key))).Length);
    }
}
