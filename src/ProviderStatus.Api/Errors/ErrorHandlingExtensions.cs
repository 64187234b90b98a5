using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Errors;

internal static partial class ErrorHandlingExtensions
{
    private const string UnavailableRetryAfterSeconds = "5";

    /// <summary>
    /// Turns unhandled exceptions into <c>500 internal_error</c> (the exception is logged by the
    /// framework, never shown) or, when the database is unavailable, <c>503 service_unavailable</c>.
    /// </summary>
    public static IApplicationBuilder UseExceptionEnvelope(this IApplicationBuilder app) =>
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = WriteUnhandledException,

            // An unavailable database is an expected condition, not a bug: it is logged as one
            // warning line below rather than as an error with a stack trace for every request.
            SuppressDiagnosticsCallback = context => DatabaseFailures.IsUnavailable(context.Exception),
        });

    /// <summary>
    /// Turns every empty error response of the framework itself, such as an unknown path or method,
    /// into the error envelope. Middleware that only ever writes complete responses can run ahead of it.
    /// </summary>
    public static IApplicationBuilder UseStatusCodeEnvelope(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context => WriteStatusCode(context.HttpContext));

    private static Task WriteUnhandledException(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad)
        {
            return ApiError.WriteAsync(context, bad.StatusCode, ErrorCodes.InvalidRequest, "The request is malformed.");
        }

        if (DatabaseFailures.IsUnavailable(error))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseFailures).FullName!);
            LogDatabaseUnavailable(logger, error!.GetBaseException().Message);
            context.Response.Headers.RetryAfter = UnavailableRetryAfterSeconds;
            return ApiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "The service cannot reach its database right now; retry shortly.");
        }

        return ApiError.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
            "An unexpected error occurred; quote the request id when reporting it.");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unavailable; answered 503: {Reason}")]
    private static partial void LogDatabaseUnavailable(ILogger logger, string reason);

    private static Task WriteStatusCode(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var request = context.Request;
        var path = ApiError.Echo(request.Path.Value);
        var (code, message) = status switch
        {
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, $"Nothing is at {path}."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed,
                $"{request.Method} is not allowed on {path}; allowed: {context.Response.Headers.Allow}."),
            >= 500 => (ErrorCodes.InternalError, "An unexpected error occurred; quote the request id when reporting it."),
            StatusCodes.Status400BadRequest => (ErrorCodes.InvalidRequest, "The request is malformed."),
            _ => (ReasonPhrases.GetReasonPhrase(status).ToLowerInvariant().Replace(' ', '_'), ReasonPhrases.GetReasonPhrase(status) + "."),
        };
        return ApiError.WriteAsync(context, status, code, message);
    }
}
