using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Cli;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Cli;

/// <summary>
/// The CLI as ops run it: the built host started as its own process, configured only through
/// environment variables, judged by its exit code and output streams.
/// </summary>
public sealed class EntryPointTests : IDisposable
{
    private readonly TemporarySqliteFile _sqliteFile = new("cli");

    public void Dispose() => _sqliteFile.Dispose();

    [Fact]
    public async Task Seed_Demo_On_A_New_Embedded_Database_Prints_Only_A_Key_On_Stdout()
    {
        var result = await RunAsync(Sqlite, "seed-demo");

        Assert.Equal(0, result.ExitCode);
        Assert.True(ApiKeyFormat.IsWellFormed(result.Stdout.TrimEnd('\n')), $"stdout: {result.Stdout}");
        Assert.Contains("Workspace 'demo' is ready with 7 connections", result.Stderr);
    }

    [Fact]
    public async Task Started_From_Another_Directory_It_Logs_At_The_Documented_Levels()
    {
        // No appsettings.json there: the content root is the working directory.
        var elsewhere = Directory.CreateTempSubdirectory("providerstatus-cwd-");
        try
        {
            var result = await ProcessRunner.RunAsync("dotnet", [AppProcess.Dll, "seed-demo"], elsewhere.FullName, Sqlite);

            Assert.Equal(0, result.ExitCode);
            Assert.Contains("Workspace 'demo' is ready with 7 connections", result.Stderr);
            Assert.DoesNotContain("Executed DbCommand", result.Stderr); // EF Core at Information
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Exit_Codes_Distinguish_Success_Failure_And_Usage_Errors()
    {
        var help = await RunAsync(Sqlite, "help");
        var failure = await RunAsync(Sqlite, "keys", "list", "--workspace", "nobody");
        var usage = await RunAsync(Sqlite, "keys", "frobnicate");

        Assert.Equal(0, help.ExitCode);
        Assert.Equal((1, "error: Unknown workspace 'nobody'.\n"), (failure.ExitCode, failure.Stderr));
        Assert.Equal(2, usage.ExitCode);
        Assert.StartsWith("error: Unknown keys action 'frobnicate'", usage.Stderr);
    }

    [Theory]
    [InlineData(true, "keys", "list")]
    [InlineData(true, "key", "list")]
    [InlineData(true, "serve")]
    [InlineData(true, "--help")]
    [InlineData(true, "-h")]
    [InlineData(false)]
    [InlineData(false, "--urls", "http://127.0.0.1:8080")]
    [InlineData(false, "/urls", "http://127.0.0.1:8080")]
    [InlineData(false, "urls=http://127.0.0.1:8080")]
    public void A_First_Word_That_Is_Not_An_Option_Is_Taken_As_A_Command(bool isCommand, params string[] args) =>
        Assert.Equal(isCommand, CommandLine.IsCommand(args));

    [Fact]
    public async Task On_PostgreSQL_Commands_Wait_For_Migrate_And_Migrate_Applies_The_Schema()
    {
        var cluster = await PostgresCluster.Shared;
        var postgres = new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = await cluster.CreateDatabaseAsync() };

        var early = await RunAsync(postgres, "keys", "list", "--workspace", "acme");
        var migrate = await RunAsync(postgres, "migrate");
        var again = await RunAsync(postgres, "migrate");
        var seeded = await RunAsync(postgres, "seed-demo");

        Assert.Equal((1, "error: The database has pending migrations: run the 'migrate' command first.\n"), (early.ExitCode, early.Stderr));
        Assert.Equal((0, ""), (migrate.ExitCode, migrate.Stderr));
        Assert.Matches(@"^Applied 2 migration\(s\) to the PostgreSQL database '\w+': 20261121000000_InitialSchema, 20261121000001_ChangeNotifications\.\n$", migrate.Stdout);
        Assert.EndsWith("is up to date.\n", again.Stdout);
        Assert.Equal(0, seeded.ExitCode);
    }

    [Theory]
    [InlineData("RateLimiting__PermitLimit", "0", "RateLimiting:PermitLimit must be > 0.")]
    [InlineData("RateLimiting__WindowSeconds", "-5", "RateLimiting:WindowSeconds must be between 1 and 86400.")]
    [InlineData("Status__StaleAfter", "00:00:00", "Status:StaleAfter must be > 0 (a TimeSpan such as 1.00:00:00).")]
    [InlineData("Database__CommandTimeoutSeconds", "0", "Database:CommandTimeoutSeconds must be between 1 and 600.")]
    [InlineData("Database__ReadBatches", "101", "Database:ReadBatches must be between 0 and 100.")]
    [InlineData("Auth__Jwt__SigningKey", "too-short", "Auth:Jwt:Audience must be set when JWTs are enabled.")]
    [InlineData("Cors__AllowedOrigins__0", "https://app.example.com/settings", "Cors:AllowedOrigins must hold origins such as https://app.example.com")]
    [InlineData("ConnectionStrings__Postgres", "Hots=db;Password=hunter2", "ConnectionStrings:Postgres is not a valid connection string")]
    [InlineData("Cache__MaxStaleness", "five seconds", "'five seconds' at 'Cache:MaxStaleness' to type 'System.TimeSpan'")]
    [InlineData("RateLimiting__PermitLimit", "99999999999", "'99999999999' at 'RateLimiting:PermitLimit' to type 'System.Int32'")]
    [InlineData("Cache__Responses", "maybe", "'maybe' at 'Cache:Responses' to type 'System.Boolean'")]
    [InlineData("RequestLogging__Summaries", "sometimes", "'sometimes' at 'RequestLogging:Summaries'")]
    [InlineData("RequestLogging__Summaries", "7", "RequestLogging:Summaries must be All, Failures or None.")]
    [InlineData("RequestLogging__RepeatWindowSeconds", "-1", "RequestLogging:RepeatWindowSeconds must be between 0 (write every failure) and 3600.")]
    public async Task A_Bad_Setting_Stops_The_Service_With_One_Line_Naming_The_Key(string variable, string value, string message)
    {
        var environment = new Dictionary<string, string>(Sqlite) { [variable] = value, ["ASPNETCORE_URLS"] = "http://127.0.0.1:0" };

        var serve = await AppProcess.RunAsync(environment);
        var command = await AppProcess.RunAsync(environment, "keys", "list", "--workspace", "demo");

        foreach (var result in new[] { serve, command })
        {
            Assert.Equal(1, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("Configuration error: ", line);
            Assert.Contains(message, line);
            Assert.DoesNotContain("hunter2", result.Stderr + result.Stdout);
            Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);
        }
    }

    [Theory]
    [InlineData("migrate")]
    [InlineData("keys", "list", "--workspace", "demo")]
    [InlineData("keys", "create", "--workspace", "demo")]
    [InlineData("seed-demo")]
    public async Task A_Command_That_Cannot_Reach_PostgreSQL_Says_So_In_One_Line(params string[] args)
    {
        var port = UnusedPort();
        var postgres = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = $"Host=127.0.0.1;Port={port};Database=providerstatus;Username=app;Password=hunter2",
        };

        var result = await RunAsync(postgres, args);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: the database cannot be reached: Failed to connect to 127.0.0.1:{port}", line);
        Assert.DoesNotContain("hunter2", result.Stderr + result.Stdout);
        Assert.Equal("", result.Stdout);
    }

    [Fact]
    public async Task An_Embedded_Database_That_Cannot_Be_Used_Stops_The_Service_And_Commands_With_One_Line()
    {
        var notAFolder = Path.GetTempFileName();
        var notADatabase = Path.GetTempFileName();
        await File.WriteAllTextAsync(notADatabase, "just text, not a database");
        try
        {
            foreach (var (file, message) in new[]
            {
                (Path.Combine(notAFolder, "data", "providerstatus.db"), $"Cannot create {Path.Combine(notAFolder, "data")}, the folder of the embedded SQLite database"),
                (notADatabase, "file is not a database"),
            })
            {
                var environment = new Dictionary<string, string>
                {
                    ["ConnectionStrings__Sqlite"] = $"Data Source={file}",
                    ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                };

                var serve = await AppProcess.RunAsync(environment);
                var command = await AppProcess.RunAsync(environment, "keys", "list", "--workspace", "demo");

                foreach (var result in new[] { serve, command })
                {
                    Assert.Equal(1, result.ExitCode);
                    var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
                    Assert.Contains(message, line);
                    Assert.DoesNotContain("   at ", result.Stderr + result.Stdout);
                }
            }
        }
        finally
        {
            File.Delete(notAFolder);
            File.Delete(notADatabase);
        }
    }

    [Fact]
    public async Task Healthcheck_Succeeds_Against_A_Live_Instance_And_Fails_Otherwise()
    {
        await using var server = await ServerProcess.StartAsync(Sqlite);

        var live = await RunAsync(Sqlite, "healthcheck", "--url", new Uri(server.Address, "/health/live").ToString());
        var nobody = await RunAsync(Sqlite, "healthcheck", "--url", "http://127.0.0.1:9/health/live");
        var notHttp = await RunAsync(Sqlite, "healthcheck", "--url", "ftp://example.com/");

        Assert.Equal(0, live.ExitCode);
        Assert.EndsWith("/health/live is live.\n", live.Stdout);
        Assert.Equal(1, nobody.ExitCode);
        Assert.StartsWith("error: http://127.0.0.1:9/health/live did not answer", nobody.Stderr);
        Assert.Equal(2, notHttp.ExitCode);
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    public async Task Logs_Are_Json_Lines_Except_In_Development(string environment, bool json)
    {
        var settings = new Dictionary<string, string>(Sqlite) { ["ASPNETCORE_ENVIRONMENT"] = environment };
        await using var server = await ServerProcess.StartAsync(settings);

        var line = await server.WaitForLineAsync(l => l.Contains("Now listening on", StringComparison.Ordinal));

        if (json)
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            Assert.Equal("Information", document.RootElement.GetProperty("Level").GetString());
            Assert.Equal("Microsoft.Hosting.Lifetime", document.RootElement.GetProperty("Properties").GetProperty("SourceContext").GetString());
        }
        else
        {
            Assert.Matches(@"^\[\d{2}:\d{2}:\d{2} INF\] Microsoft\.Hosting\.Lifetime: Now listening on: ", line);
        }
    }

    [Fact]
    public async Task A_Served_Request_Writes_One_Json_Line_And_An_Error_Is_Sent_With_Its_Length()
    {
        var key = (await RunAsync(Sqlite, "seed-demo")).Stdout.TrimEnd('\n');
        var unknownKey = key[..^1] + (key[^1] == 'a' ? 'b' : 'a');
        await using var server = await ServerProcess.StartAsync(new Dictionary<string, string>(Sqlite)
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["RequestLogging__Summaries"] = "All",
        });
        using var http = new HttpClient { BaseAddress = server.Address };
        var requests = new (string RequestId, string? Credential, int Status)[]
        {
            ("ok-1", key, 200), ("unknown-key-1", unknownKey, 401), ("no-key-1", null, 401), ("ok-2", key, 200),
        };

        foreach (var (requestId, credential, status) in requests)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/settings/providers");
            request.Headers.Add("X-Request-ID", requestId);
            if (credential is not null)
            {
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", credential);
            }

            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(status, (int)response.StatusCode);
            if (status != 200)
            {
                Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
                Assert.Equal(body.Length, response.Content.Headers.ContentLength);
            }
        }

        // One writer thread writes the lines in order: once the last request's line is out, all are.
        await server.WaitForLineAsync(line => line.Contains("\"RequestId\":\"ok-2\"", StringComparison.Ordinal));
        var lines = server.Lines.Select(line =>
        {
            using var document = System.Text.Json.JsonDocument.Parse(line);
            return document.RootElement.Clone();
        }).ToList();
        foreach (var (requestId, _, status) in requests)
        {
            var line = Assert.Single(lines, l => l.GetProperty("Properties").TryGetProperty("RequestId", out var id) && id.GetString() == requestId);
            Assert.Equal(["Timestamp", "Level", "MessageTemplate", "RenderedMessage", "Properties"], line.EnumerateObject().Select(p => p.Name));
            Assert.Equal(status, line.GetProperty("Properties").GetProperty("StatusCode").GetInt32());
            Assert.False(string.IsNullOrEmpty(line.GetProperty("Properties").GetProperty("ConnectionId").GetString()));
            Assert.StartsWith($"HTTP \"GET\" \"/v1/settings/providers\" responded {status} in ", line.GetProperty("RenderedMessage").GetString());
        }
    }

    /// <summary>A loopback port nothing listens on: taken from the system, then let go.</summary>
    private static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Dictionary<string, string> Sqlite => _sqliteFile.Environment;

    private static Task<ProcessResult> RunAsync(Dictionary<string, string> environment, params string[] args) =>
        AppProcess.RunAsync(environment, args);
}
