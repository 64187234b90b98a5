using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Net.Http.Headers;
using ProviderStatus.Api.Errors;

namespace ProviderStatus.Api.Authentication;

/// <summary>
/// Answers failed authorization with the API's error envelope: 401 <c>invalid_key</c> for a missing
/// or bad credential, 403 <c>insufficient_permissions</c> for a valid one that lacks a permission.
/// A bad credential always gets the same message, whether it was malformed, unknown, expired or revoked.
/// </summary>
internal sealed class AuthorizationErrorResultHandler : IAuthorizationMiddlewareResultHandler
{
    public const string InvalidCredentialMessage = "The API key or token is invalid, expired or revoked.";
    public const string MissingCredentialMessage =
        "No credential: send an API key or token in the header 'Authorization: Bearer <credential>'.";

    private static readonly FixedError InvalidCredential = new(ErrorCodes.InvalidKey, InvalidCredentialMessage);
    private static readonly FixedError MissingCredential = new(ErrorCodes.InvalidKey, MissingCredentialMessage);

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Succeeded)
        {
            return next(context);
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            return WriteUnauthenticatedAsync(context, BearerToken.Read(context.Request).HeaderPresent);
        }

        var missing = authorizeResult.AuthorizationFailure?.FailedRequirements
            .OfType<ClaimsAuthorizationRequirement>()
            .Where(r => r.ClaimType == CallerClaims.Permission)
            .SelectMany(r => r.AllowedValues ?? [])
            .FirstOrDefault();
        context.Response.Headers[HeaderNames.WWWAuthenticate] = missing is null
            ? "Bearer error=\"insufficient_scope\""
            : $"Bearer error=\"insufficient_scope\", scope=\"{missing}\"";
        return ApiError.WriteAsync(context, StatusCodes.Status403Forbidden, ErrorCodes.InsufficientPermissions, missing is null
            ? "This credential lacks a permission this endpoint requires."
            : $"This credential lacks the '{missing}' permission.");
    }

    /// <summary>401 <c>invalid_key</c>: for a bad credential when <paramref name="headerPresent"/>, otherwise for none.</summary>
    public static Task WriteUnauthenticatedAsync(HttpContext context, bool headerPresent)
    {
        context.Response.Headers[HeaderNames.WWWAuthenticate] = headerPresent ? "Bearer error=\"invalid_token\"" : "Bearer";
        return ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, headerPresent ? InvalidCredential : MissingCredential);
    }
}
