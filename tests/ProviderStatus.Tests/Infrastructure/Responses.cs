using System.Net;
using System.Text.Json;

namespace ProviderStatus.Tests.Infrastructure;

public static class Responses
{
    /// <summary>Asserts the error envelope: exactly code, message and the response's request id.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, "an error response must not be stored");

        using var document = JsonDocument.Parse(body);
        Assert.Equal(["error"], document.RootElement.EnumerateObject().Select(p => p.Name));
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(["code", "message", "request_id"], error.EnumerateObject().Select(p => p.Name));
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.Equal(RequestId(response), error.GetProperty("request_id").GetString());
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        return error.Clone();
    }

    public static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("X-Request-ID").Single();

    public static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : throw new Xunit.Sdk.XunitException($"No {name} header.");

    public static async Task<JsonElement[]> ProvidersAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected 200, got {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("data").GetProperty("providers").EnumerateArray().Select(e => e.Clone())];
    }
}
