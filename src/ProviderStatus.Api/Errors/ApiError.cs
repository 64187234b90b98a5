using System.Text;
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

    /// <summary>
    /// Writes <paramref name="error"/>: its body serialized once, with this request's id spliced in.
    /// An id that would need escaping in JSON (which <see cref="RequestIdMiddleware"/> never gives) is
    /// serialized the usual way instead.
    /// </summary>
    public static Task WriteAsync(HttpContext context, int statusCode, FixedError error)
    {
        var requestId = context.TraceIdentifier;
        if (!RequestIdMiddleware.IsAcceptable(requestId))
        {
            return WriteAsync(context, statusCode, error.Code, error.Message);
        }

        var length = error.Prefix.Length + requestId.Length + error.Suffix.Length;
        var response = context.Response;
        response.StatusCode = statusCode;
        response.Headers.CacheControl = "no-store";
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = length;

        var writer = response.BodyWriter;
        var body = writer.GetSpan(length);
        error.Prefix.CopyTo(body);
        Encoding.ASCII.GetBytes(requestId, body[error.Prefix.Length..]);
        error.Suffix.CopyTo(body[(error.Prefix.Length + requestId.Length)..]);
        writer.Advance(length);
        var flush = writer.FlushAsync(context.RequestAborted);
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }

    /// <summary>The body of the error <paramref name="code"/>, <paramref name="message"/> around its request id, as the serializer writes it.</summary>
    internal static (byte[] Prefix, byte[] Suffix) Split(string code, string message)
    {
        // The marker is a request id RequestIdMiddleware could give, so it is written as any id is.
        const string Marker = "request-id";
        var body = JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(new ErrorBody(code, message, Marker)), ErrorJson);
        var at = body.AsSpan().LastIndexOf("\"request-id\""u8) + 1;
        return (body[..at], body[(at + Marker.Length)..]);
    }

    /// <summary>Part of the request quoted in a message: at most 200 characters, then an ellipsis.</summary>
    public static string? Echo(string? value) =>
        value is { Length: > MaxEchoedLength } ? string.Concat(value.AsSpan(0, MaxEchoedLength), "…") : value;

    /// <summary>An error as an endpoint result, for handlers that return <c>Results&lt;…&gt;</c>.</summary>
    public static ErrorResult Result(int statusCode, string code, string message) => new(statusCode, code, message);
}

/// <summary>
/// An error whose code and message never change, such as 401 <c>invalid_key</c>: its body is
/// serialized once, and each response only adds its request id (see
/// <see cref="ApiError.WriteAsync(HttpContext, int, FixedError)"/>). Bad keys are the error the
/// service answers most, and a flood of them costs no serialization this way.
/// </summary>
internal sealed class FixedError
{
    public FixedError(string code, string message)
    {
        Code = code;
        Message = message;
        (Prefix, Suffix) = ApiError.Split(code, message);
    }

    public string Code { get; }

    public string Message { get; }

    /// <summary>The body's bytes before the request id.</summary>
    public byte[] Prefix { get; }

    /// <summary>The body's bytes after the request id.</summary>
    public byte[] Suffix { get; }
}

internal sealed class ErrorResult(int statusCode, string code, string message) : IResult, IStatusCodeHttpResult
{
    public int StatusCode { get; } = statusCode;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public string Code { get; } = code;

    public string Message { get; } = message;

    public Task ExecuteAsync(HttpContext httpContext) => ApiError.WriteAsync(httpContext, StatusCode, Code, Message);
}
