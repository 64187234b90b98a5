using System.Net;
using ProviderStatus.Tests.Hosting;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Providers;

/// <summary>
/// HEAD on the endpoint, through real Kestrel (which is what leaves the body out): the same status and
/// headers as GET, the same checks in front of it, no body.
/// </summary>
public sealed class HeadRequestTests(KestrelCorsFixture fixture) : IClassFixture<KestrelCorsFixture>
{
    private const string Path = "/v1/settings/providers";

    [Fact]
    public async Task Head_Answers_With_The_Headers_Of_Get_And_No_Body()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"), fixture.Connection("billing", "stripe"));

        var get = await fixture.SendAsync(HttpMethod.Get, Path, key);
        var head = await fixture.SendAsync(HttpMethod.Head, Path, key);

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        Assert.Equal((await get.Content.ReadAsByteArrayAsync()).Length, head.Content.Headers.ContentLength);
        Assert.Equal(get.Content.Headers.ContentType, head.Content.Headers.ContentType);
        Assert.Equal(get.Headers.ETag, head.Headers.ETag);
        Assert.Equal(get.Headers.CacheControl, head.Headers.CacheControl);
        Assert.Equal(get.Headers.Vary, head.Headers.Vary);
        Assert.Equal(int.Parse(Responses.Header(get, "X-RateLimit-Remaining")) - 1, int.Parse(Responses.Header(head, "X-RateLimit-Remaining")));
        Assert.NotEqual(Responses.RequestId(get), Responses.RequestId(head));
    }

    [Fact]
    public async Task Head_With_A_Matching_If_None_Match_Is_304()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var etag = (await fixture.GetProvidersAsync(key)).Headers.ETag!.Tag;

        var head = await fixture.SendAsync(HttpMethod.Head, Path, key, request => request.Headers.TryAddWithoutValidation("If-None-Match", etag));

        Assert.Equal(HttpStatusCode.NotModified, head.StatusCode);
        Assert.Equal(etag, head.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task Head_Needs_A_Valid_Credential_With_Read_Settings()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var withoutPermission = await fixture.CreateKeyAsync(workspace, permissions: ["write:settings"]);

        var invalid = await fixture.SendAsync(HttpMethod.Head, Path, "wbk_notarealkeynotarealkeynotarea");
        var forbidden = await fixture.SendAsync(HttpMethod.Head, Path, withoutPermission);
        var badCategory = await fixture.SendAsync(HttpMethod.Head, Path + "?category=x", await fixture.CreateKeyAsync(workspace));

        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badCategory.StatusCode);
        foreach (var response in new[] { invalid, forbidden, badCategory })
        {
            Assert.Null(response.Headers.ETag);
            Assert.NotEmpty(Responses.RequestId(response));
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        Assert.NotNull(Responses.Header(forbidden, "X-RateLimit-Remaining"));
    }
}
