using Npgsql;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Bench;

/// <summary>
/// The benchmark's own database: by default in a throwaway cluster on this machine, started the way
/// the tests start theirs; with <c>--postgres</c>, a database created for the run on an existing
/// server and dropped afterwards.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly PostgresCluster? _cluster;
    private readonly string? _serverConnectionString;
    private readonly string _name;

    private BenchDatabase(string connectionString, string name, string description, PostgresCluster? cluster, string? serverConnectionString, bool countsStatements)
    {
        ConnectionString = connectionString;
        _name = name;
        Description = description;
        _cluster = cluster;
        ServerProcessId = cluster?.ServerProcessId;
        _serverConnectionString = serverConnectionString;
        CountsStatements = countsStatements;
    }

    public string ConnectionString { get; }

    /// <summary>Where the database is, without credentials, for the report.</summary>
    public string Description { get; }

    /// <summary>The postmaster on this machine, whose processes' CPU the report counts; null for another server's.</summary>
    public int? ServerProcessId { get; }

    /// <summary>Whether <c>pg_stat_statements</c> answers in this database, so that statements can be counted.</summary>
    public bool CountsStatements { get; }

    public static async Task<BenchDatabase> StartLocalAsync()
    {
        var cluster = await PostgresCluster.StartAsync("bench", "shared_preload_libraries=pg_stat_statements");
        var connectionString = await cluster.CreateDatabaseAsync();
        var counts = await TryStatementCountsAsync(connectionString);
        if (!counts)
        {
            await cluster.DestroyAsync();
            throw new InvalidOperationException("pg_stat_statements did not load in the benchmark's own cluster.");
        }

        return new BenchDatabase(connectionString, new NpgsqlConnectionStringBuilder(connectionString).Database!,
            "a PostgreSQL cluster of its own on this machine", cluster, serverConnectionString: null, countsStatements: true);
    }

    /// <summary>
    /// Creates a database of the run's own on the server <paramref name="serverConnectionString"/>
    /// reaches (its user needs CREATEDB), in which nothing else runs.
    /// </summary>
    public static async Task<BenchDatabase> CreateOnServerAsync(string serverConnectionString)
    {
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var name = $"providerstatus_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE {name}", connection).ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        var counts = await TryStatementCountsAsync(connectionString);
        if (!counts)
        {
            Console.WriteLine("pg_stat_statements is not available on that server (it needs shared_preload_libraries and CREATE EXTENSION): statements are not counted.");
        }

        return new BenchDatabase(connectionString, name, $"PostgreSQL at {server.Host}:{server.Port}", cluster: null, serverConnectionString, counts);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DestroyAsync();
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection).ExecuteNonQueryAsync();
    }

    private static async Task<bool> TryStatementCountsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        try
        {
            await new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", connection).ExecuteNonQueryAsync();
            await new NpgsqlCommand("SELECT count(*) FROM pg_stat_statements", connection).ExecuteScalarAsync();
            return true;
        }
        catch (PostgresException)
        {
            return false;
        }
    }
}
