using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Authentication;

public sealed class ApiKeyAuthenticationTests_Sqlite(SqliteAppFixture fixture) : ApiKeyAuthenticationTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class ApiKeyAuthenticationTests_Postgres(PostgresAppFixture fixture) : ApiKeyAuthenticationTests(fixture), IClassFixture<PostgresAppFixture>;

public abstract class ApiKeyAuthenticationTests(AppFixture fixture)
{
    private const string InvalidMessage = "The API key or token is invalid, expired or revoked.";

    [Fact]
    public async Task A_Valid_Key_Is_Accepted_Whatever_The_Case_Of_The_Scheme()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));

        foreach (var header in new[] { $"Bearer {key}", $"bearer {key}", $"BEARER   {key}  " })
        {
            var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", credential: null,
                request => request.Headers.TryAddWithoutValidation("Authorization", header));

            Assert.Single(await Responses.ProvidersAsync(response));
        }
    }

    [Fact]
    public async Task No_Credential_Is_401_Invalid_Key_Saying_How_To_Send_One()
    {
        var response = await fixture.GetProvidersAsync(credential: null);

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Contains("Authorization: Bearer", error.GetProperty("message").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task A_Key_In_The_Query_String_Is_Never_Accepted()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));

        foreach (var query in new[] { $"?api_key={key}", $"?access_token={key}", $"?key={key}", $"?authorization=Bearer%20{key}" })
        {
            var response = await fixture.GetProvidersAsync(credential: null, query);

            await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        }
    }

    public static TheoryData<string> MalformedAuthorizationValues() => new()
    {
        "Basic dXNlcjpwYXNzd29yZA==",
        "Bearer",
        "Bearer ",
        "Bearer wbk_",
        "Token wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg",
        "wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg",
        "Bearer wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg",
        "Bearer wbk_5qZKIHUk6F60N21NN0lDtJ1PbpW",
        "Bearer wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWgX",
        "Bearer wbk_!qZKIHUk6F60N21NN0lDtJ1PbpWg",
        "Bearer " + new string('a', 5000),
        "Bearer not-a-jwt",
        "Bearer a.b.c",
    };

    [Theory]
    [MemberData(nameof(MalformedAuthorizationValues))]
    public async Task A_Malformed_Authorization_Header_Is_401_With_The_Same_Body(string authorization)
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", credential: null,
            request => request.Headers.TryAddWithoutValidation("Authorization", authorization));

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Equal(InvalidMessage, error.GetProperty("message").GetString());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task A_Key_With_A_Wrong_Checksum_Or_Unknown_To_The_Service_Is_401_With_The_Same_Body()
    {
        var real = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var mistyped = real[..10] + (real[10] == 'a' ? 'b' : 'a') + real[11..];
        var madeUp = ApiKeyFormat.Generate();

        foreach (var key in new[] { mistyped, madeUp })
        {
            var error = await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(key), HttpStatusCode.Unauthorized, "invalid_key");
            Assert.Equal(InvalidMessage, error.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task A_Revoked_Key_Is_401_From_The_Next_Request()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);

        var revoke = await fixture.RunCommandAsync("keys", "revoke", key);

        Assert.Equal(0, revoke.ExitCode);
        var error = await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(key), HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Equal(InvalidMessage, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_Key_Stops_Working_When_It_Expires()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace, expiresAt: fixture.Clock.GetUtcNow().AddHours(1));

        var before = await fixture.GetProvidersAsync(key);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var after = await fixture.GetProvidersAsync(key);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var error = await Responses.AssertErrorAsync(after, HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Equal(InvalidMessage, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_Key_In_Constant_Use_Is_Noted_As_Used_Once_A_Minute()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        var usage = fixture.App.Services.GetRequiredService<KeyUsage>();

        // The last step stays within the cache's bound, so that its request finds the entry the one
        // before it made, rather than reading the key again.
        var lastStep = fixture.App.Services.GetRequiredService<IOptions<CacheOptions>>().Value.MaxStaleness;
        var first = fixture.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);
        fixture.Clock.Advance(KeyUsage.Resolution - lastStep);

        // A new cache entry for the key (as after the cache overflowed) learns when it was last noted.
        fixture.App.Services.GetRequiredService<KeyCache>().Clear();
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);
        await usage.FlushAsync(CancellationToken.None);
        var withinTheMinute = await LastUsedAsync(workspace);

        fixture.Clock.Advance(lastStep);
        var aMinuteLater = fixture.Clock.GetUtcNow();
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);
        await usage.FlushAsync(CancellationToken.None);

        Assert.Equal(first.ToUnixTimeSeconds(), withinTheMinute);
        Assert.Equal(aMinuteLater.ToUnixTimeSeconds(), await LastUsedAsync(workspace));
    }

    private async Task<long?> LastUsedAsync(string workspaceId)
    {
        await using var db = await fixture.App.Services.GetRequiredService<IDbContextFactory<ProviderStatusDbContext>>().CreateDbContextAsync();
        var lastUsed = await db.ApiKeys.Where(k => k.WorkspaceId == workspaceId).Select(k => k.LastUsedAt).SingleAsync();
        return lastUsed?.ToUnixTimeSeconds();
    }

    [Fact]
    public async Task A_Key_Without_Read_Settings_Is_403_Insufficient_Permissions()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace, permissions: ["read:billing"]);

        var response = await fixture.GetProvidersAsync(key);

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.Forbidden, "insufficient_permissions");
        Assert.Contains("read:settings", error.GetProperty("message").GetString());
        Assert.Equal("Bearer error=\"insufficient_scope\", scope=\"read:settings\"", response.Headers.WwwAuthenticate.Single().ToString());
    }
}
