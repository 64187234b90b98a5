using System.Buffers;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Gives every request an id: the caller's <c>X-Request-ID</c> when it is 1–128 characters of
/// letters, digits and <c>-_.:</c>, otherwise a new one. The id becomes
/// <see cref="HttpContext.TraceIdentifier"/> (so logs and error bodies carry it) and is echoed on
/// every response, including responses rewritten by the exception handler.
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
            httpContext.Response.Headers[HeaderName] = httpContext.TraceIdentifier;
            return Task.CompletedTask;
        }, context);
        return next(context);
    }

    internal static bool IsAcceptable(string? value) =>
        value is { Length: > 0 and <= MaxLength } && !value.AsSpan().ContainsAnyExcept(AllowedCharacters);

    private static string NewId() => Guid.CreateVersion7().ToString("N");
}
