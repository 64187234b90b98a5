using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Authentication;

/// <summary>Authenticates <c>Authorization: Bearer wbk_…</c> API keys.</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator keys)
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

        AuthenticatedKey? key;
        try
        {
            key = await keys.AuthenticateAsync(bearer.Token, Context.RequestAborted);
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            // Not a bad key: the key could not be checked. Recorded rather than thrown here, so the
            // request is still counted by the rate limiter, which then surfaces it (as a 503).
            AuthenticationUnavailable.Record(Context, e);
            return AuthenticateResult.NoResult();
        }

        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is malformed, unknown, expired or revoked.");
        }

        var principal = CallerClaims.CreatePrincipal(
            Scheme.Name, CredentialKinds.ApiKey, key.KeyId.ToString(), key.WorkspaceId, key.Permissions);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }
}
