using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Authentication;

/// <summary>Authenticates <c>Authorization: Bearer wbk_…</c> API keys.</summary>
/// <remarks>
/// A key's principal is made once per key cache entry and shared by all requests with that key, so
/// a probe polling all day does not rebuild the same claims on every request. Nothing in the service
/// changes a principal after authentication (there is no claims transformation), which is what
/// makes sharing it safe; when the entry is refreshed or evicted, its principal goes with it.
/// </remarks>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeyAuthenticator keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    // The failure messages go to logs only; callers get one body for every kind of bad key.
    private static readonly AuthenticateResult NotBearer =
        AuthenticateResult.Fail("The Authorization header is not of the form 'Bearer <credential>'.");
    private static readonly AuthenticateResult BadKey =
        AuthenticateResult.Fail("The API key is malformed, unknown, expired or revoked.");

    private static readonly ConditionalWeakTable<AuthenticatedKey, ClaimsPrincipal> Principals = [];

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var bearer = BearerToken.Read(Request);
        if (!bearer.HeaderPresent)
        {
            return AuthenticateResult.NoResult();
        }

        if (bearer.Token is null)
        {
            return NotBearer;
        }

        AuthenticatedKey? key;
        try
        {
            // The forward selector sends every other bearer token to the JWT handler when JWTs are
            // configured; when they are not, a token that is not an API key is a bad key here.
            key = PresentedKey.Read(Context) is { } presented ? await keys.AuthenticateAsync(presented, Context.RequestAborted) : null;
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
            return BadKey;
        }

        return AuthenticateResult.Success(new AuthenticationTicket(PrincipalFor(key), Scheme.Name));
    }

    /// <summary>The principal of a key's callers; the same instance for as long as the key's cache entry lives.</summary>
    public static ClaimsPrincipal PrincipalFor(AuthenticatedKey key) => Principals.GetValue(key, static caller => CallerClaims.CreatePrincipal(
        AuthenticationExtensions.ApiKeyScheme, CredentialKinds.ApiKey, caller.KeyId.ToString(), caller.WorkspaceId, caller.Permissions));
}
