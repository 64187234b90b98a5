using System.Net;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Authentication;

public sealed class JwtAuthenticationTests_Sqlite(SqliteAppFixture fixture) : JwtAuthenticationTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class JwtAuthenticationTests_Postgres(PostgresAppFixture fixture) : JwtAuthenticationTests(fixture), IClassFixture<PostgresAppFixture>;

public abstract class JwtAuthenticationTests(AppFixture fixture)
{
    private const string InvalidMessage = "The API key or token is invalid, expired or revoked.";

    [Fact]
    public async Task A_Token_With_A_Permissions_Array_Reads_Its_Workspace()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("channels", "slack", "T123"));
        var token = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings", "write:settings"]);

        var rows = await Responses.ProvidersAsync(await fixture.GetProvidersAsync(token));

        Assert.Equal(["T123"], rows.Select(r => r.GetProperty("account_id").GetString()));
    }

    [Fact]
    public async Task A_Token_With_A_Space_Separated_Scope_Claim_Is_Accepted()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("channels", "slack"));
        var token = Jwts.Create(fixture.Clock, workspace, scope: "openid read:settings profile");

        Assert.Single(await Responses.ProvidersAsync(await fixture.GetProvidersAsync(token)));
    }

    [Fact]
    public async Task A_Token_Without_Read_Settings_Is_403()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("channels", "slack"));
        var token = Jwts.Create(fixture.Clock, workspace, permissions: ["read:billing"], scope: "openid profile");

        await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(token), HttpStatusCode.Forbidden, "insufficient_permissions");
    }

    public static TheoryData<string> InvalidTokens() =>
    [
        "bad signature",
        "expired",
        "not yet valid",
        "wrong audience",
        "wrong issuer",
        "alg none",
        "no workspace",
        "workspace id with NUL",
        "workspace id that names no workspace",
        "garbage",
    ];

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task An_Invalid_Token_Is_401_Invalid_Key(string kind)
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("channels", "slack"));
        string[] permissions = ["read:settings"];
        var clock = fixture.Clock;
        var token = kind switch
        {
            "bad signature" => Jwts.Create(clock, workspace, permissions: permissions, signingKey: "another-key-of-enough-length-0123456789"),
            "expired" => Jwts.Create(clock, workspace, permissions: permissions, expiresIn: TimeSpan.FromMinutes(-5)),
            "not yet valid" => Jwts.Create(clock, workspace, permissions: permissions, notBeforeIn: TimeSpan.FromMinutes(5)),
            "wrong audience" => Jwts.Create(clock, workspace, permissions: permissions, audience: "some-other-api"),
            "wrong issuer" => Jwts.Create(clock, workspace, permissions: permissions, issuer: "https://evil.example/"),
            "alg none" => Jwts.CreateUnsigned(clock, workspace),
            "no workspace" => Jwts.Create(clock, workspaceId: null, permissions: permissions),
            "workspace id with NUL" => Jwts.Create(clock, workspace + "\0", permissions: permissions),
            "workspace id that names no workspace" => Jwts.Create(clock, workspace.ToUpperInvariant(), permissions: permissions),
            _ => "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2lnbmF0dXJl",
        };

        var response = await fixture.GetProvidersAsync(token);

        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Equal(InvalidMessage, error.GetProperty("message").GetString());
        Assert.Equal("Bearer error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().ToString());
    }

    [Fact]
    public async Task Token_Lifetime_Is_Judged_By_The_Service_Clock()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("channels", "slack"));
        var token = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"], expiresIn: TimeSpan.FromMinutes(10));

        var before = await fixture.GetProvidersAsync(token);
        fixture.Clock.Advance(TimeSpan.FromMinutes(11));
        var after = await fixture.GetProvidersAsync(token);

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        await Responses.AssertErrorAsync(after, HttpStatusCode.Unauthorized, "invalid_key");
    }
}
