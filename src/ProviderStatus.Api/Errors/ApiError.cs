using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Errors;

/// <summary>The error envelope: <c>{"error":{"code":"…","message":"…","request_id":"…"}}</c>.</summary>
internal sealed record ErrorResponse(ErrorBody Error);

internal sealed record ErrorBody(string Code, string Message, string RequestId);

/// <summary>The machine-readable error codes the API answers with.</summary>
internal static class ErrorCodes
{
    public const string InvalidParameter = "invalid_parameter";
    public const string InvalidRequest = "invalid_request";
    public const string InvalidKey = "invalid_key";
    public const string InsufficientPermissions = "insufficient_permissions";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string RateLimited = "rate_limited";
    public const string ServiceUnavailable = "service_unavailable";
    public const string InternalError = "internal_error";
}

/// <summary>
/// The single place that writes an error response. Everything that fails a request (endpoint
/// validation, authentication, authorization, rate limiting, routing, unhandled exceptions)
/// ends here, so every error has the same shape, carries the request id and is never cached.
/// </summary>
internal static class ApiError
{
    private const int MaxEchoedLength = 200;

    private static readonly JsonTypeInfo<ErrorResponse> ErrorJson =
        (JsonTypeInfo<ErrorResponse>)JsonExtensions.ApiOptions.GetTypeInfo(typeof(ErrorResponse));

    /// <remarks>
    /// The body is serialized first and sent with its length in one write: an error is small, and a
    /// flood of bad keys should cost as little as possible (which is also why this does not reach for
    /// the request's services, whose scope would be created for this alone).
    /// </remarks>
    public static Task WriteAsync(HttpContext context, int statusCode, string code, string message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(new ErrorBody(code, message, context.TraceIdentifier)), ErrorJson);

        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Part of the request quoted in a message: at most 200 characters, then an ellipsis.</summary>
    public static string? Echo(string? value) =>
        value is { Length: > MaxEchoedLength } ? string.Concat(value.AsSpan(0, MaxEchoedLength), "…") : value;

    /// <summary>An error as an endpoint result, for handlers that return <c>Results&lt;…&gt;</c>.</summary>
    public static ErrorResult Result(int statusCode, string code, string message) => new(statusCode, code, message);
}

internal sealed class ErrorResult(int statusCode, string code, string message) : IResult, IStatusCodeHttpResult
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string Code { get; } = code;

    public string Message { get; } = message;

    public Task ExecuteAsync(HttpContext httpContext) => ApiError.WriteAsync(httpContext, StatusCode, Code, Message);
}
