using Microsoft.Extensions.Options;
using ProviderStatus.Api.Authentication;
using Serilog.Events;
using Serilog.Parsing;

namespace ProviderStatus.Api.Hosting;

/// <summary>
/// Puts the request id on every log line written while the request is handled, and ends each request
/// with one summary line: method, path, status, elapsed time, request id, workspace, credential and
/// the server's connection id (requests sharing a kept-alive connection share it).
/// <see cref="RequestLoggingOptions.Summaries"/> chooses which requests get it: by default those that
/// failed (with repeats of the same failure counted by <see cref="RepeatedFailures"/> rather than
/// written one by one), or all, or none.
/// Never the query string or headers (keys in any logged value are masked by
/// <see cref="SecretMaskingEnricher"/>). The summary is built as a Serilog event directly, from a
/// template parsed once: it may be written for every request.
/// </summary>
internal sealed class RequestLoggingMiddleware(
    RequestDelegate next, Serilog.ILogger logger, TimeProvider clock, IOptions<RequestLoggingOptions> options, RepeatedFailures repeats)
{
    private static readonly MessageTemplate Summary = new MessageTemplateParser().Parse(
        "HTTP {Method} {Path} responded {StatusCode} in {ElapsedMs:0.0} ms (workspace {WorkspaceId}, {CredentialKind} {CredentialId})");

    private readonly Serilog.ILogger _log = logger.ForContext<RequestLoggingMiddleware>();

    private readonly RequestSummaries _summaries = options.Value.Summaries;

    public async Task InvokeAsync(HttpContext context)
    {
        RequestIdEnricher.Begin(context.TraceIdentifier);
        var started = clock.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            if (Summarizes(status) && _log.IsEnabled(LogEventLevel.Information))
            {
                var caller = CallerPrincipal.Of(context);
                var kind = new SummaryKind(context.Request.Method, context.Request.Path.Value ?? "", status,
                    caller?.WorkspaceId, caller?.CredentialKind, caller?.CredentialId);
                if (_summaries == RequestSummaries.All || repeats.ShouldWrite(kind))
                {
                    _log.Write(new LogEvent(clock.GetUtcNow(), LogEventLevel.Information, null, Summary,
                    [
                        Property("Method", kind.Method),
                        Property("Path", kind.Path),
                        Property("StatusCode", status),
                        Property("ElapsedMs", clock.GetElapsedTime(started).TotalMilliseconds),
                        Property("WorkspaceId", kind.WorkspaceId),
                        Property("CredentialKind", kind.CredentialKind),
                        Property("CredentialId", kind.CredentialId),
                        Property("ConnectionId", context.Connection.Id),
                    ]));
                }
            }
        }
    }

    private bool Summarizes(int statusCode) => _summaries switch
    {
        RequestSummaries.All => true,
        RequestSummaries.Failures => statusCode >= StatusCodes.Status400BadRequest,
        _ => false,
    };

    private static LogEventProperty Property(string name, object? value) => RepeatedFailures.Property(name, value);
}
