using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
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
        services.AddSingleton<RequestQuota>();
        return services;
    }

    /// <summary>
    /// Limits every <c>/v1</c> request; runs after authentication, so it knows the caller. A request
    /// whose credential could not be checked (see <see cref="AuthenticationUnavailable"/>) is counted
    /// against its client IP and gets the rate-limit headers before that failure surfaces.
    /// </summary>
    public static IApplicationBuilder UseApiRateLimiting(this IApplicationBuilder app) =>
        app.UseMiddleware<RateLimitMiddleware>();

    /// <summary>
    /// One partition per credential (API key id, or JWT workspace and subject). A request that did not
    /// authenticate counts against its client IP instead: guessing keys is throttled, and nobody can
    /// spend another caller's quota without holding that caller's credential.
    /// </summary>
    internal static string PartitionKey(HttpContext context) =>
        CallerPrincipal.Of(context) is { } caller ? caller.RateLimitPartition : AddressPartition(context.Connection.RemoteIpAddress);

    /// <summary>
    /// A client address's partition, made once per address object: the server gives each connection
    /// one, so a flood of bad keys on one connection does not build the same text for every request.
    /// </summary>
    private static string AddressPartition(IPAddress? address) =>
        address is null ? "ip:" : AddressPartitions.GetValue(address, static address => "ip:" + address);

    private static readonly ConditionalWeakTable<IPAddress, string> AddressPartitions = [];

    private static AlignedWindowRateLimiter<HttpContext> CreateLimiter(RateLimitingOptions options, TimeProvider clock) =>
        new AlignedWindowRateLimiter<HttpContext>(PartitionKey, options.PermitLimit, options.WindowSeconds, clock);
}

internal sealed class RateLimitMiddleware(RequestDelegate next, RequestQuota quota)
{
    private static readonly PathString LimitedPrefix = "/v1";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments(LimitedPrefix) || await quota.AdmitAsync(context))
        {
            await next(context);
        }
    }
}

/// <summary>
/// Counts a request against its caller's window (see <see cref="RateLimitingExtensions.PartitionKey"/>,
/// so it runs after authentication) and gives the response the rate-limit headers; a request over
/// the limit is answered with 429 here.
/// </summary>
internal sealed class RequestQuota(AlignedWindowRateLimiter<HttpContext> limiter, IOptions<RateLimitingOptions> options)
{
    public const string LimitHeader = "X-RateLimit-Limit";
    public const string RemainingHeader = "X-RateLimit-Remaining";
    public const string ResetHeader = "X-RateLimit-Reset";

    /// <summary>The limit and the window's end, the same for many requests in a row: made into text once per change.</summary>
    private static readonly RepeatedNumber LimitText = new(), ResetText = new();

    /// <summary>True when the request may go on; false when it has been answered with 429.</summary>
    public ValueTask<bool> AdmitAsync(HttpContext context)
    {
        var acquired = limiter.TryAcquire(context, out var window);

        // Written when the response starts, so they survive an exception handler that resets headers.
        context.Response.OnStarting(static state =>
        {
            var (httpContext, window) = ((HttpContext, RateLimitWindow))state;
            var headers = httpContext.Response.Headers;
            headers[LimitHeader] = LimitText.ToText(window.Limit);
            headers[RemainingHeader] = window.Remaining.ToString(CultureInfo.InvariantCulture);
            headers[ResetHeader] = ResetText.ToText(window.ResetUnixSeconds);
            return Task.CompletedTask;
        }, (context, window));

        AuthenticationUnavailable.ThrowIfRecorded(context);
        return acquired ? ValueTask.FromResult(true) : RefuseAsync(context, window);
    }

    private async ValueTask<bool> RefuseAsync(HttpContext context, RateLimitWindow window)
    {
        var retryAfter = window.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers.RetryAfter = retryAfter;
        await ApiError.WriteAsync(context, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Rate limit of {window.Limit} requests per {options.Value.WindowSeconds} s exceeded; retry after {retryAfter} s.");
        return false;
    }
}

/// <summary>The text of the last number asked for, kept until another is: a pure function, so one serves every caller.</summary>
internal sealed class RepeatedNumber
{
    private volatile Entry _last = new(0, "0");

    public string ToText(long value)
    {
        var last = _last;
        if (last.Value != value)
        {
            _last = last = new Entry(value, value.ToString(CultureInfo.InvariantCulture));
        }

        return last.Text;
    }

    private sealed record Entry(long Value, string Text);
}
