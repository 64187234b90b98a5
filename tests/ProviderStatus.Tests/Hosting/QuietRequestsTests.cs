using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Hosting;
using ProviderStatus.Tests.Infrastructure;
using Serilog;

namespace ProviderStatus.Tests.Hosting;

/// <summary>The <c>RequestLogging</c> settings given, the others at their defaults.</summary>
public abstract class QuietRequestsFixture(Dictionary<string, string?> settings) : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = settings;

    /// <summary>Ends the current window of <see cref="RepeatedFailures"/>, as its timer would.</summary>
    public void EndRepeatWindow() => App.Services.GetRequiredService<RepeatedFailures>().Flush();
}

/// <summary>
/// The default: failures only, repeats counted. The repeat window is an hour, so that within a test
/// only the test ends it (with <see cref="QuietRequestsFixture.EndRepeatWindow"/>), never the timer.
/// </summary>
public sealed class FailureSummariesFixture() : QuietRequestsFixture(new() { ["RequestLogging:RepeatWindowSeconds"] = "3600" });

public sealed class EveryFailureFixture() : QuietRequestsFixture(new() { ["RequestLogging:RepeatWindowSeconds"] = "0" });

public sealed class NoSummariesFixture() : QuietRequestsFixture(new() { ["RequestLogging:Summaries"] = "None" });

public sealed class FailureSummariesTests(FailureSummariesFixture fixture) : IClassFixture<FailureSummariesFixture>
{
    private const string BadKey = "wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg";

    [Fact]
    public async Task By_Default_Only_Requests_Answered_With_400_Or_Above_Get_A_Summary_Line()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var etag = (await fixture.GetProvidersAsync(key)).Headers.ETag!.Tag;
        fixture.EndRepeatWindow();
        var before = fixture.App.Logs.Lines.Count;

        HttpResponseMessage[] responses =
        [
            await fixture.GetProvidersAsync(key),
            await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key, request => request.Headers.TryAddWithoutValidation("If-None-Match", etag)),
            await fixture.GetProvidersAsync(BadKey),
            await fixture.GetProvidersAsync(key, "?category=x"),
            await fixture.SendAsync(HttpMethod.Get, "/v1/nothing", key),
        ];

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.NotModified, HttpStatusCode.Unauthorized, HttpStatusCode.BadRequest, HttpStatusCode.NotFound],
            responses.Select(r => r.StatusCode));
        var summaries = Summaries(fixture.App.Logs.Lines.Skip(before));
        Assert.Equal([401, 400, 404], summaries.Select(s => s.GetProperty("StatusCode").GetInt32()));
        Assert.Equal(responses[2..].Select(Responses.RequestId), summaries.Select(s => s.GetProperty("RequestId").GetString()));
    }

    [Fact]
    public async Task Repeats_Of_A_Failure_Are_Counted_And_The_Count_Is_Written_When_The_Window_Ends()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        fixture.EndRepeatWindow();
        var before = fixture.App.Logs.Lines.Count;

        // Four refusals of bad keys (two different keys: the same failure to the log) and two
        // unknown paths: the first of each kind is written with its request id, the rest counted.
        HttpResponseMessage[] responses =
        [
            await fixture.GetProvidersAsync(BadKey),
            await fixture.GetProvidersAsync(BadKey),
            await fixture.SendAsync(HttpMethod.Get, "/v1/nothing", key),
            await fixture.GetProvidersAsync("wbk_0000000000000000000000000000"),
            await fixture.SendAsync(HttpMethod.Get, "/v1/nothing", key),
            await fixture.GetProvidersAsync(BadKey),
        ];
        Assert.Equal([401, 401, 404, 401, 404, 401], responses.Select(r => (int)r.StatusCode));
        var written = Summaries(fixture.App.Logs.Lines.Skip(before));
        Assert.Equal([(401, Responses.RequestId(responses[0])), (404, Responses.RequestId(responses[2]))],
            written.Select(s => (s.GetProperty("StatusCode").GetInt32(), s.GetProperty("RequestId").GetString())));

        fixture.EndRepeatWindow();
        var counted = Summaries(fixture.App.Logs.Lines.Skip(before)).Skip(2).ToList();
        Assert.Equal(2, counted.Count);
        var refusals = Assert.Single(counted, c => c.GetProperty("StatusCode").GetInt32() == 401);
        Assert.Equal(3, refusals.GetProperty("Repeats").GetInt32());
        Assert.Equal("/v1/settings/providers", refusals.GetProperty("Path").GetString());
        Assert.Equal(3600, refusals.GetProperty("WindowSeconds").GetInt32());
        var unknownPath = Assert.Single(counted, c => c.GetProperty("StatusCode").GetInt32() == 404);
        Assert.Equal(1, unknownPath.GetProperty("Repeats").GetInt32());
        Assert.Equal("api_key", unknownPath.GetProperty("CredentialKind").GetString());

        // A new window starts with a full line again.
        using var next = await fixture.GetProvidersAsync(BadKey);
        var last = Summaries(fixture.App.Logs.Lines.Skip(before)).Last();
        Assert.Equal(Responses.RequestId(next), last.GetProperty("RequestId").GetString());
        fixture.EndRepeatWindow();
        Assert.Equal(5, Summaries(fixture.App.Logs.Lines.Skip(before)).Count);
    }

    internal static List<JsonElement> Summaries(IEnumerable<string> lines) =>
    [
        .. lines.Select(line => JsonDocument.Parse(line).RootElement)
            .Where(line => line.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal))
            .Select(line => line.GetProperty("Properties")),
    ];
}

public sealed class EveryFailureTests(EveryFailureFixture fixture) : IClassFixture<EveryFailureFixture>
{
    [Fact]
    public async Task With_A_Repeat_Window_Of_0_Every_Failure_Gets_Its_Own_Line()
    {
        var before = fixture.App.Logs.Lines.Count;

        var requestIds = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await fixture.GetProvidersAsync("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            requestIds.Add(Responses.RequestId(response));
        }

        fixture.EndRepeatWindow();
        Assert.Equal(requestIds, FailureSummariesTests.Summaries(fixture.App.Logs.Lines.Skip(before)).Select(s => s.GetProperty("RequestId").GetString()));
    }
}

/// <summary><see cref="RepeatedFailures"/> on its own, writing to a captured log.</summary>
public sealed class RepeatedFailuresTests
{
    private readonly LogCapture _logs = new();

    private RepeatedFailures Create() => new(
        new LoggerConfiguration().WriteTo.Sink(_logs).CreateLogger(), new TestClock(),
        Options.Create(new RequestLoggingOptions { RepeatWindowSeconds = 10 }));

    private static SummaryKind Kind(int i) => new("GET", $"/scan/{i}", 404, null, null, null);

    [Fact]
    public void Beyond_The_Kinds_It_Counts_Failures_Are_Written_One_By_One()
    {
        var repeats = Create();
        for (var i = 0; i < RepeatedFailures.MaxKinds; i++)
        {
            Assert.True(repeats.ShouldWrite(Kind(i)));
        }

        Assert.True(repeats.ShouldWrite(Kind(RepeatedFailures.MaxKinds)));
        Assert.True(repeats.ShouldWrite(Kind(RepeatedFailures.MaxKinds)));
        Assert.False(repeats.ShouldWrite(Kind(0)));

        repeats.Flush();
        var line = Assert.Single(FailureSummariesTests.Summaries(_logs.Lines));
        Assert.Equal("/scan/0", line.GetProperty("Path").GetString());
        Assert.Equal(1, line.GetProperty("Repeats").GetInt32());
        Assert.True(repeats.ShouldWrite(Kind(RepeatedFailures.MaxKinds)));
    }

    [Fact]
    public async Task Stopping_Writes_The_Counts_Of_The_Window_Not_Yet_Ended()
    {
        var repeats = Create();
        Assert.True(repeats.ShouldWrite(Kind(1)));
        Assert.False(repeats.ShouldWrite(Kind(1)));

        await repeats.StopAsync(CancellationToken.None);

        var line = Assert.Single(FailureSummariesTests.Summaries(_logs.Lines));
        Assert.Equal(1, line.GetProperty("Repeats").GetInt32());
        Assert.Equal(10, line.GetProperty("WindowSeconds").GetInt32());
    }
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
