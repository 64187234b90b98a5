using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.WebUtilities;

namespace ProviderStatus.Api.Errors;

internal static class ErrorHandlingExtensions
{
    private const int MaxEchoedPathLength = 200;

    /// <summary>
    /// Turns unhandled exceptions into <c>500 internal_error</c> (the exception is logged by the
    /// framework, never shown) and every empty error response of the framework itself, such as an
    /// unknown path or method, into the error envelope.
    /// </summary>
    public static IApplicationBuilder UseErrorEnvelope(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteUnhandledException });
        app.UseStatusCodePages(context => WriteStatusCode(context.HttpContext));
        return app;
    }

    private static Task WriteUnhandledException(HttpContext context)
    {
        if (context.Features.Get<IExceptionHandlerFeature>()?.Error is BadHttpRequestException bad)
        {
            return ApiError.WriteAsync(context, bad.StatusCode, ErrorCodes.InvalidRequest, "The request is malformed.");
        }

        return ApiError.WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
            "An unexpected error occurred; quote the request id when reporting it.");
    }

    private static Task WriteStatusCode(HttpContext context)
    {
        var status = context.Response.StatusCode;
        var request = context.Request;
        var path = request.Path.Value is { Length: > MaxEchoedPathLength } longPath ? longPath[..MaxEchoedPathLength] + "…" : request.Path.Value;
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
