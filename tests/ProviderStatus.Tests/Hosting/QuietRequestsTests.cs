using System.Net;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary>
/// The setting the README gives for turning the per-request summary lines off, as a configuration key
/// (the README's environment variable <c>Serilog__MinimumLevel__Override__…</c> is the same key).
/// </summary>
public sealed class QuietRequestsFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Sqlite;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Serilog:MinimumLevel:Override:ProviderStatus.Api.Hosting.RequestLoggingMiddleware"] = "Warning",
    };
}

public sealed class QuietRequestsTests(QuietRequestsFixture fixture) : IClassFixture<QuietRequestsFixture>
{
    [Fact]
    public async Task The_Documented_Override_Turns_The_Request_Summaries_Off()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var before = fixture.App.Logs.Lines.Count;

        using var ok = await fixture.GetProvidersAsync(key);
        using var bad = await fixture.GetProvidersAsync("wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg");

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.DoesNotContain(fixture.App.Logs.Lines.Skip(before), line => line.Contains("HTTP {Method}", StringComparison.Ordinal));

        // Only that source is quieted: the host's own Information lines still arrive.
        Assert.Contains(fixture.App.Logs.Lines, line => line.Contains("Application started", StringComparison.Ordinal));
    }
}
