using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Authentication;

/// <summary>
/// The production JWT setup: <c>Auth:Jwt:Authority</c> names the identity provider, whose OIDC
/// discovery document and signing keys JwtBearer fetches. The provider here is a stand-in served
/// through JwtBearer's own backchannel, publishing a real RSA key.
/// </summary>
public sealed class OidcAppFixture : AppFixture
{
    public const string Authority = "https://idp.example.test/tenant/";

    public RSA SigningKey { get; } = RSA.Create(2048);

    public SigningCredentials Credentials => new(new RsaSecurityKey(SigningKey) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256);

    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Auth:Jwt:SigningKey"] = "",
        ["Auth:Jwt:Authority"] = Authority,
        ["Auth:Jwt:Issuer"] = Authority,
        ["Auth:Jwt:Audience"] = ProviderStatusApp.JwtAudience,
    };

    protected override void ConfigureServices(IServiceCollection services) =>
        services.Configure<JwtBearerOptions>(AuthenticationExtensions.JwtScheme,
            options => options.BackchannelHttpHandler = new IdentityProvider(SigningKey));

    private sealed class IdentityProvider(RSA key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(key.ExportParameters(false)) { KeyId = "key-1" });
            object? document = request.RequestUri?.ToString() switch
            {
                Authority + ".well-known/openid-configuration" => new Dictionary<string, string>
                {
                    ["issuer"] = Authority,
                    ["jwks_uri"] = Authority + "keys",
                },
                Authority + "keys" => new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } },
                _ => null,
            };
            return Task.FromResult(document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(document)) });
        }
    }
}

public sealed class OidcAuthorityTests(OidcAppFixture fixture) : IClassFixture<OidcAppFixture>
{
    [Fact]
    public async Task A_Token_Signed_With_The_Identity_Providers_Published_Key_Is_Accepted()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("identity", "okta"));
        var token = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"], issuer: OidcAppFixture.Authority,
            signingCredentials: fixture.Credentials);

        Assert.Single(await Responses.ProvidersAsync(await fixture.GetProvidersAsync(token)));
    }

    [Fact]
    public async Task A_Token_Signed_With_Any_Other_Key_Is_Refused()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("identity", "okta"));
        using var impostor = RSA.Create(2048);
        var forged = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"], issuer: OidcAppFixture.Authority,
            signingCredentials: new SigningCredentials(new RsaSecurityKey(impostor) { KeyId = "key-1" }, SecurityAlgorithms.RsaSha256));
        var sharedSecret = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"], issuer: OidcAppFixture.Authority);

        await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(forged), HttpStatusCode.Unauthorized, "invalid_key");
        await Responses.AssertErrorAsync(await fixture.GetProvidersAsync(sharedSecret), HttpStatusCode.Unauthorized, "invalid_key");
    }
}
