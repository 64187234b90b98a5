using ProviderStatus.Api.Authentication;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Puts the request id on every log line written while the request is handled, and ends each request
/// with one summary line: method, path, status, elapsed time, request id, workspace and credential.
/// Never the query string or headers (keys in any logged value are masked by
/// <see cref="SecretMaskingEnricher"/>).
/// </summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["RequestId"] = context.TraceIdentifier });
        var started = clock.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                var user = context.User;
                var path = context.Request.Path.Value ?? "";
                var elapsedMs = clock.GetElapsedTime(started).TotalMilliseconds;
                LogRequest(
                    logger,
                    context.Request.Method,
                    path,
                    context.Response.StatusCode,
                    elapsedMs,
                    user.FindFirst(CallerClaims.WorkspaceId)?.Value,
                    user.FindFirst(CallerClaims.CredentialKind)?.Value,
                    user.FindFirst(CallerClaims.CredentialId)?.Value);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (workspace {WorkspaceId}, {CredentialKind} {CredentialId})")]
    private static partial void LogRequest(
        ILogger logger, string method, string path, int statusCode, double elapsedMs, string? workspaceId, string? credentialKind, string? credentialId);

}
