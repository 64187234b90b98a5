using System.Text.Json;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

/// <summary>Everything logged, a summary for every request and all at the most verbose level, on PostgreSQL with a password in its connection string.</summary>
public sealed class VerboseLoggingFixture : AppFixture
{
    public const string DatabasePassword = "pg-password-that-must-not-be-logged";

    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override string AdjustConnectionString(string connectionString) => $"{connectionString};Password={DatabasePassword}";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["RequestLogging:Summaries"] = "All",
        ["Serilog:MinimumLevel:Default"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.AspNetCore"] = "Verbose",
        ["Serilog:MinimumLevel:Override:Microsoft.EntityFrameworkCore"] = "Verbose",
    };
}

public sealed class LoggingTests(VerboseLoggingFixture fixture) : IClassFixture<VerboseLoggingFixture>
{
    [Fact]
    public async Task Each_Request_Ends_With_One_Json_Summary_Line_Naming_Caller_And_Outcome()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        var keyId = (await fixture.RunCommandAsync("keys", "list", "--workspace", workspace)).Stdout.Split('\n')[1].Split(' ')[0];

        var lines = await LinesOfAsync("summary-1", "/v1/settings/providers?category=email&x=secret-query", key);

        var summaries = lines.Where(l => l.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal)).ToList();
        var summary = Assert.Single(summaries).GetProperty("Properties");
        Assert.Equal("GET", summary.GetProperty("Method").GetString());
        Assert.Equal("/v1/settings/providers", summary.GetProperty("Path").GetString());
        Assert.Equal(200, summary.GetProperty("StatusCode").GetInt32());
        Assert.True(summary.GetProperty("ElapsedMs").GetDouble() >= 0);
        Assert.Equal(workspace, summary.GetProperty("WorkspaceId").GetString());
        Assert.Equal("api_key", summary.GetProperty("CredentialKind").GetString());
        Assert.Equal(keyId, summary.GetProperty("CredentialId").GetString());
        Assert.DoesNotContain(lines, l => l.GetRawText().Contains("secret-query", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_Request_Answered_From_The_Caches_Gets_The_Same_Summary_Line()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);

        // The first request fills the caches through the endpoint; the second is answered from them.
        var summaries = new List<JsonElement>();
        foreach (var requestId in new[] { "cached-1", "cached-2" })
        {
            var lines = await LinesOfAsync(requestId, "/v1/settings/providers", key);
            summaries.Add(Assert.Single(lines, l => l.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal))
                .GetProperty("Properties"));
        }

        Assert.Equal("GET", summaries[1].GetProperty("Method").GetString());
        Assert.Equal("/v1/settings/providers", summaries[1].GetProperty("Path").GetString());
        Assert.Equal(200, summaries[1].GetProperty("StatusCode").GetInt32());
        Assert.Equal(workspace, summaries[1].GetProperty("WorkspaceId").GetString());
        Assert.Equal("api_key", summaries[1].GetProperty("CredentialKind").GetString());
        Assert.Equal(summaries[0].GetProperty("CredentialId").GetString(), summaries[1].GetProperty("CredentialId").GetString());
        Assert.Equal("cached-2", summaries[1].GetProperty("RequestId").GetString());
    }

    [Fact]
    public async Task With_Summaries_For_All_A_Repeated_Failure_Is_Written_Every_Time()
    {
        foreach (var requestId in new[] { "refused-1", "refused-2", "refused-3" })
        {
            var lines = await LinesOfAsync(requestId, "/v1/settings/providers", "wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg");
            var summary = Assert.Single(lines, l => l.GetProperty("MessageTemplate").GetString()!.StartsWith("HTTP {Method}", StringComparison.Ordinal))
                .GetProperty("Properties");
            Assert.Equal(401, summary.GetProperty("StatusCode").GetInt32());
            Assert.Equal(requestId, summary.GetProperty("RequestId").GetString());
        }
    }

    [Fact]
    public async Task Every_Line_Written_While_Handling_A_Request_Carries_Its_Request_Id()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var scenarios = new (string RequestId, string Path, string? Credential)[]
        {
            ("ok-1", "/v1/settings/providers", key),
            ("bad-key-1", "/v1/settings/providers", "wbk_5qZKIHUk6F60N21NN0lDtJ1PbpWg"),
            ("bad-jwt-1", "/v1/settings/providers", Jwts.Create(fixture.Clock, "x", permissions: ["read:settings"], audience: "other")),
            ("not-found-1", "/v1/nothing", key),
            ("health-1", "/health/ready", null),
        };

        foreach (var (requestId, path, credential) in scenarios)
        {
            var lines = await LinesOfAsync(requestId, path, credential);

            Assert.NotEmpty(lines);
            Assert.All(lines, line => Assert.Equal(requestId, line.GetProperty("Properties").GetProperty("RequestId").GetString()));
        }
    }

    [Fact]
    public async Task No_Key_Token_Authorization_Header_Or_Password_Is_Ever_Logged()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var created = await fixture.RunCommandAsync("keys", "create", "--workspace", workspace);
        var key = created.Stdout.Trim();
        var revoked = await fixture.CreateKeyAsync(workspace);
        await fixture.RunCommandAsync("keys", "revoke", revoked);
        var token = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"]);
        var badToken = Jwts.Create(fixture.Clock, workspace, permissions: ["read:settings"], signingKey: "a-different-signing-key-0123456789abcdef");
        var guess = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');

        await fixture.GetProvidersAsync(key);
        await fixture.GetProvidersAsync(revoked);
        await fixture.GetProvidersAsync(guess);
        await fixture.GetProvidersAsync(token);
        await fixture.GetProvidersAsync(badToken);
        await fixture.GetProvidersAsync(Jwts.CreateUnsigned(fixture.Clock, workspace));
        await fixture.GetProvidersAsync(credential: null, $"?api_key={key}");
        await fixture.SendAsync(HttpMethod.Get, $"/v1/{key}", credential: null);
        await fixture.RunCommandAsync("keys", "revoke", key);

        var log = string.Join('\n', fixture.App.Logs.Lines);
        Assert.Contains("HTTP {Method}", log);
        Assert.Contains("SELECT", log);
        foreach (var secret in new[]
        {
            key, revoked, guess, key[4..], token, token.Split('.')[2], badToken, badToken.Split('.')[2],
            VerboseLoggingFixture.DatabasePassword, ProviderStatusApp.JwtSigningKey, "Bearer ",
        })
        {
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
        }
    }

    /// <summary>The log lines written while one request, sent with <paramref name="requestId"/>, was handled.</summary>
    private async Task<List<JsonElement>> LinesOfAsync(string requestId, string path, string? credential)
    {
        var before = fixture.App.Logs.Lines.Count;
        using var response = await fixture.SendAsync(HttpMethod.Get, path, credential, request => request.Headers.Add("X-Request-ID", requestId));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(requestId, Responses.RequestId(response));
        return fixture.App.Logs.Lines.Skip(before).Select(line =>
        {
            Assert.DoesNotContain('\n', line.TrimEnd('\n'));
            using var document = JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).ToList();
    }
}
