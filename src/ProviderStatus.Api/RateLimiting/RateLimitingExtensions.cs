using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.RateLimiting;

internal static class RateLimitingExtensions
{
    public static IServiceCollection AddApiRateLimiting(this IServiceCollection services)
    {
        services.AddValidatedOptions<RateLimitingOptions, RateLimitingOptions.Validator>(RateLimitingOptions.Section);
        services.AddSingleton(sp => CreateLimiter(
            sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    /// <summary>
    /// Limits every <c>/v1</c> request. Runs before <c>UseAuthentication</c> and authenticates the
    /// request itself (the result is cached for the rest of the pipeline), so that even a request
    /// whose authentication fails with an exception, such as an unreachable database, is counted
    /// and answered with the rate-limit headers.
    /// </summary>
    public static IApplicationBuilder UseApiRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitMiddleware>();

    /// <summary>
    /// One partition per credential (API key id, or JWT workspace and subject). A request that did not
    /// authenticate counts against its client IP instead: guessing keys is throttled, and nobody can
    /// spend another caller's quota without holding that caller's credential.
    /// </summary>
    internal static string PartitionKey(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            var kind = user.FindFirst(CallerClaims.CredentialKind)?.Value;
            var id = user.FindFirst(CallerClaims.CredentialId)?.Value;
            return kind == CredentialKinds.Jwt ? $"jwt:{user.GetWorkspaceId()}:{id}" : $"key:{id}";
        }

        return $"ip:{context.Connection.RemoteIpAddress}";
    }

    private static PartitionedRateLimiter<HttpContext> CreateLimiter(RateLimitingOptions options, TimeProvider clock) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context => RateLimitPartition.Get(
            PartitionKey(context), _ => new AlignedWindowRateLimiter(options.PermitLimit, options.WindowSeconds, clock)));
}

internal sealed class RateLimitMiddleware(RequestDelegate next, PartitionedRateLimiter<HttpContext> limiter, IOptions<RateLimitingOptions> options)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";

    private static readonly PathString LimitedPrefix = "/v1";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(LimitedPrefix))
        {
            await next(context);
            return;
        }

        ExceptionDispatchInfo? authenticationFailure = null;
        try
        {
            var authentication = await context.AuthenticateAsync();
            if (authentication.Succeeded)
            {
                context.User = authentication.Principal;
            }
        }
        catch (Exception e)
        {
            authenticationFailure = ExceptionDispatchInfo.Capture(e);
        }

        using var lease = limiter.AttemptAcquire(context);
        lease.TryGetMetadata(RateLimitWindow.MetadataName, out var window);

        // Written when the response starts, so they survive an exception handler that resets headers.
        context.Response.OnStarting(static state =>
        {
            var (httpContext, window) = ((HttpContext, RateLimitWindow))state;
            var headers = httpContext.Response.Headers;
            headers[LimitHeader] = window.Limit.ToString(CultureInfo.InvariantCulture);
            headers[RemainingHeader] = window.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[ResetHeader] = window.ResetUnixSeconds.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (context, window));

        authenticationFailure?.Throw();
        if (!lease.IsAcquired)
        {
            var retryAfter = window.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers.RetryAfter = retryAfter;
            await ApiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
                $"Rate limit of {window.Limit} requests per {options.Value.WindowSeconds} s exceeded; retry after {retryAfter} s.");
            return;
        }

        await next(context);
    }
}
