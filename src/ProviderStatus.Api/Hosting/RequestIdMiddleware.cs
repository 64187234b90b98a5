using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Gives every request an id: the caller's <c>X-Request-ID</c> when it is 1–128 characters of
/// letters, digits and <c>-_.:</c>, otherwise a new one. The id becomes
/// <see cref="HttpContext.TraceIdentifier"/> (so logs and error bodies carry it) and is echoed on
/// every response, including responses rewritten by the exception handler, together with the
/// security headers every response carries.
/// </summary>
internal sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-ID";
    private const int MaxLength = 128;

    private static readonly SearchValues<char> AllowedCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    public Task InvokeAsync(HttpContext context)
    {
        var supplied = context.Request.Headers[HeaderName];
        context.TraceIdentifier = supplied.Count == 1 && IsAcceptable(supplied[0]) ? supplied[0]! : NewId();
        context.Response.OnStarting(static state =>
        {
            var httpContext = (HttpContext)state;
            var headers = httpContext.Response.Headers;
            headers[HeaderName] = httpContext.TraceIdentifier;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    internal static bool IsAcceptable(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.AsSpan().ContainsAnyExcept(AllowedCharacters);

    /// <summary>
    /// 32 hex digits: 16 random ones chosen when the process starts, then a counter. Unique across
    /// instances and restarts without drawing random bytes for every request.
    /// </summary>
    private static string NewId() => string.Create(32, Interlocked.Increment(ref _counter), static (span, counter) =>
    {
        InstancePrefix.CopyTo(span);
        counter.TryFormat(span[16..], out _, "x16", CultureInfo.InvariantCulture);
    });

    private static readonly string InstancePrefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
    private static long _counter;
}
