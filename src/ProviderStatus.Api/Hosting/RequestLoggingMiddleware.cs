using Microsoft.Extensions.Options;
using ProviderStatus.Api.Authentication;
using Serilog.Context;
using Serilog.Events;
using Serilog.Parsing;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Puts the request id on every log line written while the request is handled, and ends each request
/// with one summary line: method, path, status, elapsed time, request id, workspace and credential.
/// <see cref="RequestLoggingOptions.Summaries"/> chooses which requests get it: by default those that
/// failed, or all, or none.
/// Never the query string or headers (keys in any logged value are masked by
/// <see cref="SecretMaskingEnricher"/>). The summary is built as a Serilog event directly, from a
/// template parsed once: by default it is written for every request.
/// </summary>
internal sealed class RequestLoggingMiddleware(RequestDelegate next, Serilog.ILogger logger, TimeProvider clock, IOptions<RequestLoggingOptions> options)
{
    private static readonly MessageTemplate Summary = new MessageTemplateParser().Parse(
        "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (workspace {WorkspaceId}, {CredentialKind} {CredentialId})");

    private readonly Serilog.ILogger _log = logger.ForContext<RequestLoggingMiddleware>();

    private readonly RequestSummaries _summaries = options.Value.Summaries;

    public async Task InvokeAsync(HttpContext context)
    {
        using var requestId = LogContext.PushProperty("RequestId", context.TraceIdentifier);
        var started = clock.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            if (Summarizes(context.Response.StatusCode) && _log.IsEnabled(LogEventLevel.Information))
            {
                var user = context.User;
                _log.Write(new LogEvent(clock.GetUtcNow(), LogEventLevel.Information, null, Summary,
                [
                    Property("Method", context.Request.Method),
                    Property("Path", context.Request.Path.Value ?? ""),
                    Property("StatusCode", context.Response.StatusCode),
                    Property("ElapsedMs", clock.GetElapsedTime(started).TotalMilliseconds),
                    Property("WorkspaceId", user.FindFirst(CallerClaims.WorkspaceId)?.Value),
                    Property("CredentialKind", user.FindFirst(CallerClaims.CredentialKind)?.Value),
                    Property("CredentialId", user.FindFirst(CallerClaims.CredentialId)?.Value),
                ]));
            }
        }
    }

    private bool Summarizes(int statusCode) => _summaries switch
    {
        RequestSummaries.All => true,
        RequestSummaries.Failures => statusCode >= StatusCodes.Status400BadRequest,
        _ => false,
    };

    private static LogEventProperty Property(string name, object? value) => new(name, new ScalarValue(value));
}
