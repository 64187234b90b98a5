using System.Net;
using System.Net.Http.Headers;
using Npgsql;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Hosting;

public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task On_Sigterm_The_Service_Stops_Taking_Requests_But_Finishes_Those_In_Flight()
    {
        var connectionString = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = connectionString,
            ["Database__CommandTimeoutSeconds"] = "120",
        };
        Assert.Equal(0, (await AppProcess.RunAsync(environment, "migrate")).ExitCode);
        var key = (await AppProcess.RunAsync(environment, "seed-demo")).Stdout.Trim();
        await using var server = await ServerProcess.StartAsync(environment);
        using var client = new HttpClient { BaseAddress = server.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // Hold the request inside the database: it waits for a lock this test holds.
        await using var blocker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await blocker.OpenAsync();
        await using var transaction = await blocker.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE connections IN ACCESS EXCLUSIVE MODE", blocker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync();
        }

        var inFlight = client.GetAsync("/v1/settings/providers");
        await WaitUntilAQueryWaitsForTheLockAsync(connectionString);

        var kill = await ProcessRunner.RunAsync("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await server.WaitForLineAsync(line => line.Contains("Application is shutting down", StringComparison.Ordinal));
        var refusesNewConnections = await EventuallyRefusesConnectionsAsync(server.Address);
        await transaction.CommitAsync();
        var response = await inFlight;

        Assert.Equal(0, kill.ExitCode);
        Assert.True(refusesNewConnections, "the server kept accepting new connections while shutting down");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, (await Responses.ProvidersAsync(response)).Length);
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    /// <summary>
    /// The host announces shutdown just before the server closes its listener, so new connections are
    /// refused shortly after the announcement, while the request held in the database is still open.
    /// </summary>
    private static async Task<bool> EventuallyRefusesConnectionsAsync(Uri address)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            using var client = new HttpClient { BaseAddress = address };
            try
            {
                using var _ = await client.GetAsync("/health/live");
            }
            catch (HttpRequestException)
            {
                return true;
            }

            await Task.Delay(50);
        }

        return false;
    }

    private static async Task WaitUntilAQueryWaitsForTheLockAsync(string connectionString)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using var observer = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        await observer.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @database AND wait_event_type = 'Lock'", observer);
        command.Parameters.AddWithValue("database", database!);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if ((long)(await command.ExecuteScalarAsync())! > 0)
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("The request never reached the database.");
    }
}
