using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;

namespace ProviderStatus.Api.Authentication;

/// <summary>Authenticates <c>Authorization: Bearer wbk_…</c> API keys.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var bearer = BearerToken.Read(Request);
        if (!bearer.HeaderPresent)
        {
            return AuthenticateResult.NoResult();
        }

        // The failure messages go to logs only; callers get one body for every kind of bad key.
        if (bearer.Token is null)
        {
            return AuthenticateResult.Fail("The Authorization header is not of the form 'Bearer <credential>'.");
        }

        var key = await keys.AuthenticateAsync(bearer.Token, Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is malformed, unknown, expired or revoked.");
        }

        var principal = CallerClaims.CreatePrincipal(
            Scheme.Name, CredentialKinds.ApiKey, key.KeyId.ToString(), key.WorkspaceId, key.Permissions);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
