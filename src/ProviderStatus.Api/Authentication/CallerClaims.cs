using System.Security.Claims;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// The claims every authenticated caller carries, whichever credential it used. Both the API-key
/// handler and the JWT handler produce exactly these, so nothing downstream knows or cares how the
/// caller signed in.
/// </summary>
internal static class CallerClaims
{
    public const string WorkspaceId = "workspace_id";
    public const string Permission = "permission";

    /// <summary><see cref="CredentialKinds.ApiKey"/> or <see cref="CredentialKinds.Jwt"/>.</summary>
    public const string CredentialKind = "credential_kind";

    /// <summary>The API key's id, or the JWT's subject.</summary>
    public const string CredentialId = "credential_id";

    public static CallerPrincipal CreatePrincipal(
        string authenticationType, string credentialKind, string credentialId, string workspaceId, IEnumerable<string> permissions)
    {
        var identity = new ClaimsIdentity(authenticationType, CredentialId, roleType: null);
        identity.AddClaim(new Claim(CredentialKind, credentialKind));
        identity.AddClaim(new Claim(CredentialId, credentialId));
        identity.AddClaim(new Claim(WorkspaceId, workspaceId));
        foreach (var permission in permissions.Distinct(StringComparer.Ordinal))
        {
            identity.AddClaim(new Claim(Permission, permission));
        }

        return new CallerPrincipal(identity, credentialKind, credentialId, workspaceId);
    }

    /// <summary>The caller's workspace; only ever called behind an authorization requirement.</summary>
    public static string GetWorkspaceId(this ClaimsPrincipal user) =>
        (user as CallerPrincipal)?.WorkspaceId ?? throw new InvalidOperationException("The caller is not an authenticated caller.");
}

/// <summary>
/// An authenticated caller: the claims of <see cref="CallerClaims"/>, also as properties (read on
/// every request, where finding a claim would search the claims), and what the rate limiter counts
/// them by.
/// </summary>
internal sealed class CallerPrincipal(ClaimsIdentity identity, string credentialKind, string credentialId, string workspaceId)
    : ClaimsPrincipal(identity)
{
    /// <summary>The request's caller, or null when none authenticated; never creates the anonymous principal <see cref="HttpContext.User"/> would.</summary>
    public static CallerPrincipal? Of(HttpContext context) =>
        context.Features.Get<IHttpAuthenticationFeature>()?.User as CallerPrincipal;

    /// <inheritdoc cref="CallerClaims.CredentialKind"/>
    public string CredentialKind { get; } = credentialKind;

    /// <inheritdoc cref="CallerClaims.CredentialId"/>
    public string CredentialId { get; } = credentialId;

    public string WorkspaceId { get; } = workspaceId;

    /// <summary>
    /// The caller's rate-limit partition: the API key, or the JWT's workspace and subject. Made once
    /// with the principal, and an API key's principal lives as long as its key cache entry, so a
    /// repeated request does not build it again.
    /// </summary>
    public string RateLimitPartition { get; } =
        credentialKind == CredentialKinds.Jwt ? $"jwt:{workspaceId}:{credentialId}" : $"key:{credentialId}";
}

internal static class CredentialKinds
{
    public const string ApiKey = "api_key";
    public const string Jwt = "jwt";
}

internal static class Permissions
{
    public const string ReadSettings = "read:settings";

    /// <summary>Every permission the service checks somewhere.</summary>
    public static readonly IReadOnlyList<string> All = [ReadSettings];

    public static string AllAsText { get; } = string.Join(", ", All);

    public static bool IsKnown(string permission) => All.Contains(permission, StringComparer.Ordinal);

    /// <summary>Requires an authenticated caller holding <paramref name="permission"/>.</summary>
    public static TBuilder RequirePermission<TBuilder>(this TBuilder builder, string permission)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireClaim(CallerClaims.Permission, permission));
}
