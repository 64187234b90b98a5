using System.Net;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Tests.Hosting;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Caching;

/// <summary>
/// How many database commands a request costs, counted from the Debug log, whose lines carry the
/// request's id: EF's line for every command it runs, and the repository's for the endpoint's read,
/// which goes around EF.
/// </summary>
public sealed class DatabaseQueryCountTests(VerboseLoggingFixture fixture) : IClassFixture<VerboseLoggingFixture>
{
    [Fact]
    public async Task A_Malformed_Key_Costs_No_Query()
    {
        Assert.Equal(0, await CommandsForAsync("wbk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task An_Unknown_Key_Costs_One_Lookup_Then_None()
    {
        var unknown = ApiKeyFormat.Generate();
        await fixture.ChangesDeliveredAsync();

        var first = await CommandsForAsync(unknown, HttpStatusCode.Unauthorized);
        var second = await CommandsForAsync(unknown, HttpStatusCode.Unauthorized);

        Assert.Equal(1, first);
        Assert.Equal(0, second);
    }

    [Fact]
    public async Task A_Repeated_Request_With_A_Valid_Key_Costs_No_Query()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        await fixture.ChangesDeliveredAsync();

        var first = await CommandsForAsync(key, HttpStatusCode.OK);
        var second = await CommandsForAsync(key, HttpStatusCode.OK);

        Assert.Equal(2, first);
        Assert.Equal(0, second);
    }

    private async Task<int> CommandsForAsync(string key, HttpStatusCode expected)
    {
        var requestId = Guid.NewGuid().ToString("N");
        var response = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key, r => r.Headers.Add("X-Request-ID", requestId));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(expected, response.StatusCode);
        return fixture.App.Logs.Lines.Count(line =>
            line.Contains($"\"RequestId\":\"{requestId}\"", StringComparison.Ordinal)
            && (line.Contains("\"MessageTemplate\":\"Executing DbCommand", StringComparison.Ordinal)
                || line.Contains("\"MessageTemplate\":\"Reading the connections of workspace", StringComparison.Ordinal)));
    }
}
