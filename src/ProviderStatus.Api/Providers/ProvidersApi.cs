using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Providers;

internal static class ProvidersApi
{
    private const string GroupPrefix = "/v1/settings";
    private const string ProvidersRoute = "/providers";

    /// <summary>The endpoint's path, also matched by <see cref="CachedAnswerMiddleware"/>.</summary>
    public const string ListPath = GroupPrefix + ProvidersRoute;

    public static RouteGroupBuilder MapProviders(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(GroupPrefix).RequirePermission(Permissions.ReadSettings).WithTags("Providers");
        group.MapGet(ProvidersRoute, ListProviders)
            .WithName("ListProviders")
            .WithSummary("List the workspace's provider connections")
            .WithDescription("Every provider connection of the caller's workspace with its health, optionally for one category. " +
                "Needs the read:settings permission. Send the ETag of an earlier answer in If-None-Match to get 304 when nothing changed.")
            .WithMetadata(new AllowedQueryValues("category", ProviderCategories.All))
            .Produces<ProvidersResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status304NotModified)
            .Produces<ErrorResponse>(StatusCodes.Status400BadRequest)
            .Produces<ErrorResponse>(StatusCodes.Status401Unauthorized)
            .Produces<ErrorResponse>(StatusCodes.Status403Forbidden)
            .Produces<ErrorResponse>(StatusCodes.Status429TooManyRequests)
            .Produces<ErrorResponse>(StatusCodes.Status503ServiceUnavailable);

        // HEAD answers exactly as GET does, headers and status alike, and Kestrel leaves out the body
        // (RFC 9110 9.3.2): uptime monitors and `curl -I` probe with it. Kept out of the OpenAPI
        // document, which describes GET.
        group.MapMethods(ProvidersRoute, [HttpMethods.Head], ListProviders).ExcludeFromDescription();
        return group;
    }

    /// <summary>
    /// Lists the caller's provider connections. The workspace comes from the credential alone: no
    /// query parameter or header can point the request at another workspace.
    /// </summary>
    internal static async Task<IResult> ListProviders(
        string? category,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch,
        ClaimsPrincipal user,
        HttpContext context,
        ProviderResponses responses,
        CancellationToken cancellationToken)
    {
        if (category is not null && !ProviderCategories.IsKnown(category))
        {
            // The binder joins repeated values with commas; say which mistake it was.
            var problem = context.Request.Query["category"].Count > 1 ? "category may be given once" : $"Unknown category '{ApiError.Echo(category)}'";
            return ApiError.Result(StatusCodes.Status400BadRequest, ErrorCodes.InvalidParameter,
                $"{problem}: expected one of {ProviderCategories.AllAsText}.");
        }

        var response = await responses.GetAsync(user.GetWorkspaceId(), category, cancellationToken);
        return new Answer(response, ifNoneMatch);
    }

    /// <summary>
    /// Writes <paramref name="response"/>, or 304 when <paramref name="ifNoneMatch"/> matches its ETag.
    /// Also used by <see cref="CachedAnswerMiddleware"/>, so that both paths answer alike.
    /// </summary>
    internal static Task WriteAnswerAsync(HttpContext context, CachedResponse response, string? ifNoneMatch)
    {
        // Private to the caller: shared caches must not store it, and browsers must revalidate.
        var http = context.Response;
        var headers = http.Headers;
        headers.CacheControl = "private, no-cache";
        headers.Vary = HeaderNames.Authorization;
        headers.ETag = response.ETag;
        if (Matches(ifNoneMatch, response.ETag))
        {
            http.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        http.ContentType = "application/json; charset=utf-8";
        http.ContentLength = response.Body.Length;
        return http.Body.WriteAsync(response.Body, context.RequestAborted).AsTask();
    }

    /// <summary>If-None-Match uses the weak comparison: <c>W/"x"</c> matches <c>"x"</c>; <c>*</c> matches any.</summary>
    private static bool Matches(string? ifNoneMatch, string etag)
    {
        if (ifNoneMatch is null)
        {
            return false;
        }

        if (ifNoneMatch == etag)
        {
            return true;
        }

        var current = new EntityTagHeaderValue(etag);
        return EntityTagHeaderValue.TryParseList(new StringValues(ifNoneMatch), out var tags)
            && tags.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(current, useStrongComparison: false));
    }

    /// <summary>
    /// The answer as the endpoint's result. (The framework's own results would also create a logger
    /// on every request, for a line nobody logs.)
    /// </summary>
    private sealed class Answer(CachedResponse response, string? ifNoneMatch) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAnswerAsync(httpContext, response, ifNoneMatch);
    }
}
