using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary>The app with one extra path, <c>/v1/test/throw</c>, that fails with an exception.</summary>
public sealed class ThrowingAppFixture : AppFixture
{
    public const string SecretInException = "wbk_secretsecretsecretsecretABCD";

    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override void ConfigureServices(IServiceCollection services) =>
        services.AddSingleton<IStartupFilter, ThrowingPathStartupFilter>();

    /// <summary>Appended after the app's pipeline, so the exception passes through all of it.</summary>
    private sealed class ThrowingPathStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/v1/test/throw", branch => branch.Run(_ =>
                throw new InvalidOperationException($"Npgsql said: key {SecretInException} refused; connection to Host=db;Password=hunter2;Timeout=3 failed")));
        };
    }
}

public sealed class RequestIdAndErrorTests(ThrowingAppFixture fixture) : IClassFixture<ThrowingAppFixture>
{
    /// <summary>8 × 16 = 128 characters: the longest request id a caller may send.</summary>
    private const string MaxLengthId =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("abc")]
    [InlineData("req-2026_11.21:0001")]
    [InlineData("x")]
    [InlineData(MaxLengthId)]
    public async Task A_Valid_Caller_Request_Id_Is_Echoed_In_Header_And_Error_Body(string requestId)
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", credential: null,
            request => request.Headers.Add("X-Request-ID", requestId));

        Assert.Equal(requestId, Responses.RequestId(response));
        var error = await Responses.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "invalid_key");
        Assert.Equal(requestId, error.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("quote\"inside")]
    [InlineData(MaxLengthId + "9")]
    [InlineData("tab\tinside")]
    public async Task An_Unacceptable_Request_Id_Is_Replaced_By_A_New_One(string requestId)
    {
        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", credential: null,
            request => request.Headers.TryAddWithoutValidation("X-Request-ID", requestId));

        var generated = Responses.RequestId(response);
        Assert.NotEqual(requestId, generated);
        Assert.Matches("^[0-9a-f]{32}$", generated);
    }

    [Fact]
    public async Task Generated_Request_Ids_Are_Unique_And_On_Every_Response()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var ids = new List<string>();
        foreach (var path in new[] { "/v1/settings/providers", "/v1/settings/providers", "/nothing-here", "/v1/test/throw" })
        {
            ids.Add(Responses.RequestId(await fixture.SendAsync(HttpMethod.Get, path, key)));
        }

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task An_Unknown_Path_Is_404_Not_Found_In_The_Envelope_Quoting_At_Most_200_Characters_Of_It()
    {
        var longPath = "/" + new string('a', 5000);

        var error = await Responses.AssertErrorAsync(
            await fixture.SendAsync(HttpMethod.Get, "/v1/does-not-exist", credential: null), HttpStatusCode.NotFound, "not_found");
        var longError = await Responses.AssertErrorAsync(
            await fixture.SendAsync(HttpMethod.Get, longPath, credential: null), HttpStatusCode.NotFound, "not_found");

        Assert.Equal("Nothing is at /v1/does-not-exist.", error.GetProperty("message").GetString());
        Assert.Equal($"Nothing is at {longPath[..200]}….", longError.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_Wrong_Method_Is_405_Method_Not_Allowed_With_Allow()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync();

        var response = await fixture.SendAsync(HttpMethod.Post, "/v1/settings/providers", key);

        await Responses.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "method_not_allowed");
        Assert.Equal(["GET", "HEAD"], response.Content.Headers.Allow);
    }

    [Fact]
    public async Task An_Unhandled_Exception_Is_500_Internal_Error_Without_Details()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync();

        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/test/throw", key);

        var body = await response.Content.ReadAsStringAsync();
        await Responses.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.DoesNotContain("hunter2", body);
        Assert.DoesNotContain("Npgsql", body);
        Assert.DoesNotContain(ThrowingAppFixture.SecretInException, body);
        Assert.NotNull(Responses.Header(response, "X-RateLimit-Remaining"));

        // The exception is logged, as an error with the request's id, but not the key or password in its message.
        var requestId = Responses.RequestId(response);
        var lines = fixture.App.Logs.Lines.Where(l => l.Contains($"\"RequestId\":\"{requestId}\"", StringComparison.Ordinal)).ToList();
        Assert.Contains(lines, l => l.Contains("\"Level\":\"Error\"", StringComparison.Ordinal) && l.Contains("InvalidOperationException", StringComparison.Ordinal));
        var log = string.Join('\n', fixture.App.Logs.Lines);
        Assert.DoesNotContain(ThrowingAppFixture.SecretInException, log, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", log, StringComparison.Ordinal);
        Assert.Contains("said: key wbk_*** refused; connection to Host=db;Password=***;Timeout=3 failed", log, StringComparison.Ordinal);
    }
}
