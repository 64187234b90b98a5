using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.RateLimiting;

namespace ProviderStatus.Api.Providers;

/// <summary>
/// Answers the request health-check probes repeat all day, <c>GET /v1/settings/providers</c> with
/// an API key the key cache knows, ahead of routing and the framework's authentication and
/// authorization middleware, which cost more than everything else such a request needs when its
/// answer is cached, and about a tenth of its throughput when the answer is read (measured under
/// wrk with <c>Cache:Responses=false</c>).
/// </summary>
/// <remarks>
/// It decides with the same parts as the endpoint's pipeline (the key cache through
/// <see cref="ApiKeyAuthenticator"/>, the rate limiter through <see cref="RequestQuota"/>, the
/// answers through <see cref="ProviderResponses"/>, cached or read) and writes with the same code,
/// so a response is the same whichever path gave it. It takes only the requests it can answer
/// without judgement of its own: a known key holding <c>read:settings</c> (200 or 304, from the
/// cached answer or the endpoint's own read), or a key the key cache already knows to be bad (401).
/// Everything else goes down the pipeline untouched: a JWT, a key not in the key cache, a key
/// without the permission, a CORS request, HEAD, any query but one known <c>category</c>. Either way
/// the request is counted by the rate limiter exactly once, and a failed read fails as the
/// endpoint's does (the exception envelope ahead of both makes it a 503 or a 500).
/// </remarks>
internal sealed class CachedAnswerMiddleware(RequestDelegate next, ApiKeyAuthenticator keys, ProviderResponses responses, RequestQuota quota)
{
    /// <summary>The one form of each category filter taken here; any other spelling goes down the pipeline.</summary>
    private static readonly string[] CategoryQueries = [.. ProviderCategories.All.Select(category => "?category=" + category)];

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) || !string.Equals(request.Path.Value, ProvidersApi.ListPath, StringComparison.Ordinal)
            || !TryReadCategory(request.QueryString, out var category) || request.Headers.Origin.Count > 0
            || PresentedKey.Read(context) is not { } key || !keys.TryAuthenticateCached(key, out var caller))
        {
            return next(context);
        }

        if (caller is null)
        {
            return AdmitThenAnswerAsync(context, null);
        }

        if (!caller.Permissions.Contains(Permissions.ReadSettings))
        {
            return next(context);
        }

        context.User = ApiKeyAuthenticationHandler.PrincipalFor(caller);
        return responses.TryGetCached(caller.WorkspaceId, category, out var answer)
            ? AdmitThenAnswerAsync(context, answer)
            : AdmitThenReadAsync(context, caller.WorkspaceId, category);
    }

    /// <summary>The endpoint's own read of an answer not cached, once the rate limiter admits the request.</summary>
    private async Task AdmitThenReadAsync(HttpContext context, string workspaceId, string? category)
    {
        if (await quota.AdmitAsync(context))
        {
            var answer = await responses.GetAsync(workspaceId, category, context.RequestAborted);
            await ProvidersApi.WriteAnswerAsync(context, answer, context.Request.Headers.IfNoneMatch);
        }
    }

    /// <summary>The answer, or 401 when there is none, once the rate limiter admits the request.</summary>
    private Task AdmitThenAnswerAsync(HttpContext context, CachedResponse? answer)
    {
        var admitted = quota.AdmitAsync(context);
        if (!admitted.IsCompletedSuccessfully)
        {
            return admitted.AsTask(); // a 429 on its way out
        }

        if (!admitted.Result)
        {
            return Task.CompletedTask;
        }

        return answer is null
            ? AuthorizationErrorResultHandler.WriteUnauthenticatedAsync(context, headerPresent: true)
            : ProvidersApi.WriteAnswerAsync(context, answer, context.Request.Headers.IfNoneMatch);
    }

    private static bool TryReadCategory(QueryString query, out string? category)
    {
        category = null;
        if (!query.HasValue)
        {
            return true;
        }

        var index = Array.IndexOf(CategoryQueries, query.Value);
        if (index < 0)
        {
            return false;
        }

        category = ProviderCategories.All[index];
        return true;
    }
}
