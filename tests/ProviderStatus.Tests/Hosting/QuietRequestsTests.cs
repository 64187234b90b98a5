using System.Net;
using System.Text.Json;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary><c>RequestLogging:Summaries</c> set to <paramref name="summaries"/>, or left at its default when null.</summary>
public abstract class QuietRequestsFixture(string? summaries) : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = summaries is null
        ? new Dictionary<string, string?>()
        : new Dictionary<string, string?> { ["RequestLogging:Summaries"] = summaries };
}

/// <summary>The default: failures only.</summary>
public sealed class FailureSummariesFixture() : QuietRequestsFixture(null);

public sealed class NoSummariesFixture() : QuietRequestsFixture("None");

public sealed class FailureSummariesTests(FailureSummariesFixture fixture) : IClassFixture<FailureSummariesFixture>
{
    [Fact]
    public async Task By_Default_Only_Requests_Answered_With_400_Or_Above_Get_A_Summary_Line()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var etag = (await fixture.GetProvidersAsync(key)).Headers.ETag!.Tag;
        var before = fixture.App.Logs.Lines.Count;

        HttpResponseMessage[] responses =
        [
            await fixture.GetProvidersAsync(key),
            await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key, request => request.Headers.TryAddWithoutValidation("If-None-Match", etag)),
            await fixture.GetProvidersAsync("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg"),
            await fixture.GetProvidersAsync(key, "?category=x"),
            await fixture.SendAsync(HttpMethod.Get, "/v1/nothing", key),
        ];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotModified, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
            responses.Select(r => r.StatusCode));
        var summaries = Summaries(fixture.App.Logs.Lines.Skip(before));
        Assert.Equal([401, 400, 404], summaries.Select(s => s.GetProperty("StatusCode").GetInt32()));
        Assert.Equal(responses[2..].Select(Responses.RequestId), summaries.Select(s => s.GetProperty("RequestId").GetString()));
    }

    internal static List<JsonElement> Summaries(IEnumerable<string> lines) =>
    [
        .. lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal))
            .Select(line => line.GetProperty("Properties")),
    ];
}

public sealed class NoSummariesTests(NoSummariesFixture fixture) : IClassFixture<NoSummariesFixture>
{
    [Fact]
    public async Task No_Request_Gets_A_Summary_Line_And_Other_Lines_Still_Arrive()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var before = fixture.App.Logs.Lines.Count;

        using var ok = await fixture.GetProvidersAsync(key);
        using var bad = await fixture.GetProvidersAsync("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Empty(FailureSummariesTests.Summaries(fixture.App.Logs.Lines.Skip(before)));

        // Only the summaries are left out: the host's own Information lines still arrive.
        Assert.Contains(fixture.App.Logs.Lines, line => line.Contains("Application started", StringComparison.Ordinal));
    }
}
