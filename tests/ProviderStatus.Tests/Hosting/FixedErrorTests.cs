using System.Text.Json;
using Microsoft.AspNetCore.Http;
using ProviderStatus.Api.Errors;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Tests.Hosting;

/// <summary>An error serialized once with each request's id spliced in is the error the serializer would write.</summary>
public sealed class FixedErrorTests
{
    private static readonly FixedError Error = new(ErrorCodes.InvalidKey, "A \"quoted\" message, with <html> & unicode: é ✓.");

    [Theory]
    [InlineData("0123456789abcdef0123456789abcdef")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:")]
    [InlineData("x")]
    public async Task Its_Body_Is_The_Serializers_For_Any_Id_The_Service_Gives(string requestId)
    {
        var (context, body) = Context(requestId);

        await ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, Error);

        Assert.Equal(Serialized(requestId), body.ToArray());
        Assert.Equal(body.Length, context.Response.ContentLength);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("no-store", context.Response.Headers.CacheControl);
        Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
    }

    [Theory]
    [InlineData("quote\"and\\backslash")]
    [InlineData("")]
    public async Task An_Id_That_Would_Need_Escaping_Is_Serialized_The_Usual_Way(string requestId)
    {
        var (context, body) = Context(requestId);

        await ApiError.WriteAsync(context, StatusCodes.Status401Unauthorized, Error);

        Assert.Equal(Serialized(requestId), body.ToArray());
        using var document = JsonDocument.Parse(body.ToArray());
        Assert.Equal(requestId, document.RootElement.GetProperty("error").GetProperty("request_id").GetString());
    }

    private static byte[] Serialized(string requestId) =>
        JsonSerializer.SerializeToUtf8Bytes(new ErrorResponse(new ErrorBody(Error.Code, Error.Message, requestId)), JsonExtensions.ApiOptions);

    private static (DefaultHttpContext Context, MemoryStream Body) Context(string requestId)
    {
        var body = new MemoryStream();
        var context = new DefaultHttpContext { TraceIdentifier = requestId };
        context.Response.Body = body;
        return (context, body);
    }
}
