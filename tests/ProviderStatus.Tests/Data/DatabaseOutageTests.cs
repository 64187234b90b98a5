using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Data;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Data;

/// <summary>
/// The service on a PostgreSQL cluster of its own, which the tests stop and start. Responses are not
/// cached, so that every request reaches the database.
/// </summary>
public class OwnClusterFixture : AppFixture
{
    private readonly Lazy<Task<PostgresCluster>> _cluster = new(() => PostgresCluster.StartAsync("outage"));

    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Cache:Responses"] = "false",
    };

    protected override Task<PostgresCluster> Cluster => _cluster.Value;

    public Task<PostgresCluster> OwnCluster => _cluster.Value;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_cluster.IsValueCreated)
        {
            await (await _cluster.Value).DestroyAsync();
        }
    }
}

/// <summary>The same, with the service's queries multiplexed (Multiplexing=true in the connection string).</summary>
public sealed class MultiplexedOwnClusterFixture : OwnClusterFixture
{
    protected override string AdjustConnectionString(string connectionString) => PostgresMultiplexedAppFixture.Multiplexed(connectionString);
}

/// <summary>
/// A pool of two connections and short timeouts, so that exhausting it is quick; responses are not
/// cached, so that every request needs a connection.
/// </summary>
public sealed class TinyPoolFixture : AppFixture
{
    protected override DatabaseKind Kind => DatabaseKind.Postgres;

    protected override string AdjustConnectionString(string connectionString) => $"{connectionString};Maximum Pool Size=2";

    protected override IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["Database:ConnectTimeoutSeconds"] = "1",
        ["Database:CommandTimeoutSeconds"] = "2",
        ["Cache:Responses"] = "false",
    };
}

public sealed class DatabaseOutageTests_Postgres(OwnClusterFixture fixture) : DatabaseOutageTests(fixture), IClassFixture<OwnClusterFixture>;

public sealed class DatabaseOutageTests_PostgresMultiplexed(MultiplexedOwnClusterFixture fixture)
    : DatabaseOutageTests(fixture), IClassFixture<MultiplexedOwnClusterFixture>;

public abstract class DatabaseOutageTests(OwnClusterFixture fixture)
{
    [Fact]
    public async Task A_Stopped_Database_Is_503_And_The_Service_Recovers_On_Its_Own_When_It_Returns()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var neverUsed = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        var cluster = await fixture.OwnCluster;
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);

        await cluster.StopServerAsync();
        var down = await fixture.SendAsync(HttpMethod.Get, "/v1/settings/providers", key, r => r.Headers.Add("X-Request-ID", "db-down-1"));

        // A key the service has not seen cannot be checked: that is the database's failure, not a bad key.
        var uncheckedKey = await fixture.GetProvidersAsync(neverUsed);
        var readyDown = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);
        var liveDown = await fixture.SendAsync(HttpMethod.Get, "/health/live", credential: null);
        await cluster.StartServerAsync();
        var recovery = await UntilOkAsync(() => fixture.GetProvidersAsync(key));
        var readyUp = await fixture.SendAsync(HttpMethod.Get, "/health/ready", credential: null);

        await Responses.AssertErrorAsync(down, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), down.Headers.RetryAfter?.Delta);
        Assert.NotNull(Responses.Header(down, "X-RateLimit-Remaining"));
        await Responses.AssertErrorAsync(uncheckedKey, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        Assert.Equal(TimeSpan.FromSeconds(5), uncheckedKey.Headers.RetryAfter?.Delta);
        Assert.NotNull(Responses.Header(uncheckedKey, "X-RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyDown.StatusCode);
        Assert.Contains("does not answer", await readyDown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, liveDown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, recovery[^1]);
        Assert.All(recovery, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
        Assert.Equal(HttpStatusCode.OK, readyUp.StatusCode);

        var downLines = fixture.App.Logs.Lines.Where(l => l.Contains("\"RequestId\":\"db-down-1\"", StringComparison.Ordinal)).ToList();
        Assert.Contains(downLines, l => l.Contains("\"Level\":\"Warning\"", StringComparison.Ordinal) && l.Contains("The database is unavailable", StringComparison.Ordinal));
        Assert.True(!downLines.Any(l => l.Contains("\"Level\":\"Error\"", StringComparison.Ordinal)), string.Join("\n", downLines));
    }

    [Fact]
    public async Task Key_Use_Noted_While_The_Database_Is_Down_Is_Kept_And_Written_When_It_Returns()
    {
        var workspace = await fixture.CreateWorkspaceAsync(fixture.Connection("email", "gmail"));
        var key = await fixture.CreateKeyAsync(workspace);
        var usage = fixture.App.Services.GetRequiredService<KeyUsage>();
        var cluster = await fixture.OwnCluster;
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);
        var usedAt = fixture.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

        await cluster.StopServerAsync();
        var whileDown = await Record.ExceptionAsync(() => usage.FlushAsync(CancellationToken.None));
        await cluster.StartServerAsync();

        // The pool may hand out a connection that died with the server once; the next try gets a new one.
        Exception? afterwards = null;
        for (var attempt = 0; attempt < 5 && (attempt == 0 || afterwards is not null); attempt++)
        {
            afterwards = await Record.ExceptionAsync(() => usage.FlushAsync(CancellationToken.None));
        }

        var list = await fixture.RunCommandAsync("keys", "list", "--workspace", workspace);
        Assert.True(DatabaseFailures.IsUnavailable(whileDown), $"expected the database to be unavailable, got {whileDown}");
        Assert.Null(afterwards);
        Assert.EndsWith(usedAt, list.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[1]);
    }

    [Fact]
    public async Task Killed_Database_Connections_Cost_At_Most_A_503_Never_A_500()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);

        var killed = await TerminateBackendsAsync(fixture.App.ConnectionString);
        var statuses = await UntilOkAsync(() => fixture.GetProvidersAsync(key));

        Assert.True(killed > 0, "the service should have held at least one connection");
        Assert.Equal(HttpStatusCode.OK, statuses[^1]);
        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable }));
    }

    /// <summary>Requests until one succeeds; recovery must come within a handful of requests.</summary>
    internal static async Task<List<HttpStatusCode>> UntilOkAsync(Func<Task<HttpResponseMessage>> send)
    {
        var statuses = new List<HttpStatusCode>();
        while (statuses.Count < 5 && (statuses.Count == 0 || statuses[^1] != HttpStatusCode.OK))
        {
            var response = await send();
            statuses.Add(response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await Responses.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            }
        }

        return statuses;
    }

    private static async Task<int> TerminateBackendsAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false, Multiplexing = false }.ConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = @database AND pid <> pg_backend_pid()", admin);
        command.Parameters.AddWithValue("database", database!);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}

public sealed class PoolExhaustionTests(TinyPoolFixture fixture) : IClassFixture<TinyPoolFixture>
{
    [Fact]
    public async Task Requests_That_Cannot_Get_The_Database_In_Time_Are_503_And_Service_Resumes_After()
    {
        var key = await fixture.CreateWorkspaceWithKeyAsync(fixture.Connection("email", "gmail"));
        Assert.Equal(HttpStatusCode.OK, (await fixture.GetProvidersAsync(key)).StatusCode);

        await using var blocker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(fixture.App.ConnectionString) { Pooling = false }.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE connections IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var blocked = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fixture.GetProvidersAsync(key)));
        await transaction.CommitAsync();
        var statuses = await DatabaseOutageTests.UntilOkAsync(() => fixture.GetProvidersAsync(key));

        foreach (var response in blocked)
        {
            await Responses.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "service_unavailable");
        }

        Assert.Equal(HttpStatusCode.OK, statuses[^1]);
        var body = JsonSerializer.Serialize(await Task.WhenAll(blocked.Select(r => r.Content.ReadAsStringAsync())));
        Assert.DoesNotContain("pool", body, StringComparison.OrdinalIgnoreCase);
    }
}
