using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Bench;

/// <summary>One row of the report.</summary>
internal sealed record ScenarioResult(
    string Name,
    string Description,
    int Connections,
    double RequestsPerSecond,
    double P50Ms,
    double P99Ms,
    long Requests,
    long Non2xx,
    long Errors,
    double? CpuSecondsPer1000,
    double? QueriesPer1000,
    double? DatabaseCpuSecondsPer1000,
    double? MemoryMegabytes = null,
    double? MemoryGrowthMegabytes = null,
    double? PairedRatio = null);

/// <summary>
/// One timed round of a scenario's baseline, run right before each of the scenario's own rounds; it
/// returns the baseline's requests (or transactions) per second.
/// </summary>
internal delegate Task<double> BaselineRound();

/// <summary>
/// Runs a scenario (a warm-up, then the timed run) and measures the server, and <paramref name="database"/>
/// as far as it can be measured (statements where pg_stat_statements answers, CPU where the server
/// runs on this machine), around the timed run.
/// </summary>
internal sealed partial class Measurements(BenchOptions options, BenchDatabase database)
{
    /// <summary>Without a reset on return to the pool, whose DISCARD ALL would count as a statement of the round.</summary>
    private readonly string _statisticsConnectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { NoResetOnClose = true }.ToString();

    /// <summary>
    /// With a <paramref name="baseline"/>, each round is paired with a baseline round run just before
    /// it, and the ratio reported is the median of the rounds' ratios: this machine's speed drifts by
    /// ±15% within minutes, and two measurements taken seconds apart drift together. CPU and queries
    /// are counted around the scenario's own rounds only.
    /// </summary>
    public async Task<ScenarioResult> HttpAsync(
        string name, string description, int pid, Uri url, int connections, string[] headers,
        BaselineRound? baseline = null, string? script = null, string? scriptArgument = null)
    {
        Console.WriteLine($"{name}: {description}...");
        await Wrk.RunAsync(url, connections, options.WarmupSeconds, headers, script, scriptArgument);
        var rounds = new List<LoadResult>();
        var ratios = new List<double>();
        var usage = new Usage(0, 0, 0);
        for (var round = 0; round < options.Rounds; round++)
        {
            var baselineRate = baseline is null ? 0 : await baseline();
            var before = await UsageAsync(pid);
            var load = await Wrk.RunAsync(url, connections, options.Seconds, headers, script, scriptArgument);
            usage += await UsageAsync(pid) - before;
            rounds.Add(load);
            if (baselineRate > 0)
            {
                ratios.Add(load.RequestsPerSecond / baselineRate);
            }
        }

        return Result(name, description, connections, Median(rounds), usage, database) with
        {
            MemoryMegabytes = ProcessStats.RssMegabytes(pid),
            PairedRatio = ratios.Count > 0 ? Median(ratios) : null,
        };
    }

    /// <summary>One timed wrk round, for pairing with a scenario's rounds.</summary>
    public async Task<double> WrkRoundAsync(Uri url, int connections, string[] headers, string? script = null, string? scriptArgument = null) =>
        (await Wrk.RunAsync(url, connections, options.Seconds, headers, script, scriptArgument)).RequestsPerSecond;

    /// <summary>Loads a freshly started server for three warm-up periods, measuring nothing.</summary>
    public async Task WarmUpAsync(int pid, Uri url, string[] headers)
    {
        Console.WriteLine($"Warming up the server (pid {pid})...");
        await Wrk.RunAsync(url, options.Connections, options.WarmupSeconds * 3, headers);
    }

    /// <summary>A long run at 256 connections, sampling the server's memory every second.</summary>
    public async Task<ScenarioResult> SustainedAsync(string name, string description, int pid, Uri url, string[] headers)
    {
        Console.WriteLine($"{name}: {description}...");
        await Wrk.RunAsync(url, 256, options.WarmupSeconds, headers);
        var samples = new List<double>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(sampling.Token).AsTask().ContinueWith(t => !t.IsCanceled, TaskScheduler.Default))
            {
                samples.Add(ProcessStats.RssMegabytes(pid));
            }
        });
        var before = await UsageAsync(pid);
        var load = await Wrk.RunAsync(url, 256, options.SustainedSeconds, headers);
        var result = Result(name, description, 256, load, await UsageAsync(pid) - before, database);
        await sampling.CancelAsync();
        await sampler;

        // Growth from the first third of the run to the last: a leak grows, a warm heap stays put.
        // Medians, because RSS saws up and down by 10-20 MB between collections, so two single
        // samples say more about where in a GC cycle they fell than about a leak.
        var third = samples.Count / 3;
        return result with
        {
            MemoryMegabytes = samples.Max(),
            MemoryGrowthMegabytes = third > 0 ? Median(samples[^third..]) - Median(samples[..third]) : 0,
        };
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static ScenarioResult PeakMemory(string name, string description, int pid) =>
        new(name, description, 0, 0, 0, 0, 0, 0, 0, null, null, null, ProcessStats.PeakRssMegabytes(pid));

    /// <summary>P: pgbench with prepared statements, running the endpoint's own query for one workspace.</summary>
    public async Task<ScenarioResult> PgbenchAsync(string name, string description, string workspaceId)
    {
        Console.WriteLine($"{name}: {description}...");
        await PgbenchRunAsync(workspaceId, options.WarmupSeconds);
        var rounds = new List<(double Tps, double LatencyMs, long Transactions)>();
        var databaseCpu = 0.0;
        for (var round = 0; round < options.Rounds; round++)
        {
            var before = DatabaseCpuSeconds();
            rounds.Add(await PgbenchRunAsync(workspaceId, options.Seconds));
            databaseCpu += DatabaseCpuSeconds() - before;
        }

        var median = rounds.OrderBy(r => r.Tps).ElementAt(rounds.Count / 2);
        var transactions = rounds.Sum(r => r.Transactions);
        return new ScenarioResult(name, description, options.Connections, median.Tps, median.LatencyMs, double.NaN,
            transactions, 0, 0, null, 1000, database.ServerProcessId is null ? null : databaseCpu / transactions * 1000);
    }

    /// <summary>One timed pgbench round, for pairing with a scenario's rounds.</summary>
    public async Task<double> PgbenchRoundAsync(string workspaceId) =>
        (await PgbenchRunAsync(workspaceId, options.Seconds)).Tps;

    private async Task<(double Tps, double LatencyMs, long Transactions)> PgbenchRunAsync(string workspaceId, int seconds)
    {
        var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var script = Path.GetTempFileName();
        // The service's own statement, its parameter a pgbench variable (a parameter too under -M prepared).
        await File.WriteAllTextAsync(script, ProviderStatus.Api.Providers.ProviderRepository.AllRows.Replace("$1", ":workspace_id", StringComparison.Ordinal) + ";\n");
        try
        {
            var run = await ProcessRunner.RunAsync("pgbench",
            [
                "-h", connection.Host!, "-p", connection.Port.ToString(CultureInfo.InvariantCulture), "-U", connection.Username ?? Environment.UserName,
                "-n", "-M", "prepared", "-c", options.Connections.ToString(CultureInfo.InvariantCulture), "-j", "2", "-f", script, "-D", $"workspace_id={workspaceId}",
                "-T", seconds.ToString(CultureInfo.InvariantCulture), connection.Database!,
            ], environment: LibpqEnvironment(connection));
            if (run.ExitCode != 0)
            {
                throw new InvalidOperationException($"pgbench failed: {run.Stderr}");
            }

            return (double.Parse(Tps().Match(run.Stdout).Groups[1].Value, CultureInfo.InvariantCulture),
                double.Parse(Latency().Match(run.Stdout).Groups[1].Value, CultureInfo.InvariantCulture),
                long.Parse(Transactions().Match(run.Stdout).Groups[1].Value, CultureInfo.InvariantCulture));
        }
        finally
        {
            File.Delete(script);
        }
    }

    /// <summary>
    /// The round with the median throughput, with its latencies; counts (requests, non-2xx, errors)
    /// are the totals of all rounds, so they agree with the CPU and queries measured around all of them.
    /// </summary>
    private static LoadResult Median(List<LoadResult> rounds) =>
        rounds.OrderBy(r => r.RequestsPerSecond).ElementAt(rounds.Count / 2) with
        {
            Requests = rounds.Sum(r => r.Requests),
            Non2xx = rounds.Sum(r => r.Non2xx),
            SocketErrors = rounds.Sum(r => r.SocketErrors),
        };

    private static ScenarioResult Result(string name, string description, int connections, LoadResult load, Usage usage, BenchDatabase database) =>
        new(name, description, connections, load.RequestsPerSecond, load.P50Ms, load.P99Ms, load.Requests, load.Non2xx, load.SocketErrors,
            load.Requests == 0 ? null : usage.CpuSeconds / load.Requests * 1000,
            load.Requests == 0 || !database.CountsStatements ? null : usage.Queries * 1000.0 / load.Requests,
            load.Requests == 0 || database.ServerProcessId is null ? null : usage.DatabaseCpuSeconds / load.Requests * 1000);

    /// <summary>
    /// What pgbench (libpq) needs of the connection string beyond its arguments, as environment
    /// variables so that a password does not show in the process list.
    /// </summary>
    private static Dictionary<string, string> LibpqEnvironment(NpgsqlConnectionStringBuilder connection)
    {
        var environment = new Dictionary<string, string>();
        if (!string.IsNullOrEmpty(connection.Password))
        {
            environment["PGPASSWORD"] = connection.Password;
        }

        if (connection.SslMode != SslMode.Prefer)
        {
            environment["PGSSLMODE"] = connection.SslMode switch
            {
                SslMode.VerifyCA => "verify-ca",
                SslMode.VerifyFull => "verify-full",
                var mode => mode.ToString().ToLowerInvariant(),
            };
        }

        return environment;
    }

    /// <summary>The CPU of the database server's processes so far, or 0 when the server is not on this machine.</summary>
    private double DatabaseCpuSeconds() => database.ServerProcessId is { } pid ? ProcessStats.ProcessTreeCpuSeconds(pid) : 0;

    /// <summary>What a server and the database have used so far; the difference of two readings is what a round used.</summary>
    private readonly record struct Usage(double CpuSeconds, long Queries, double DatabaseCpuSeconds)
    {
        public static Usage operator +(Usage a, Usage b) => new(a.CpuSeconds + b.CpuSeconds, a.Queries + b.Queries, a.DatabaseCpuSeconds + b.DatabaseCpuSeconds);

        public static Usage operator -(Usage a, Usage b) => new(a.CpuSeconds - b.CpuSeconds, a.Queries - b.Queries, a.DatabaseCpuSeconds - b.DatabaseCpuSeconds);
    }

    /// <summary>
    /// The server's CPU, its statements, and the database's CPU. The latter is read last, so a round
    /// counts the CPU of one statistics query (its closing reading's), a fraction of a millisecond.
    /// </summary>
    private async Task<Usage> UsageAsync(int pid) =>
        new(ProcessStats.CpuSeconds(pid), database.CountsStatements ? await QueriesAsync() : 0, DatabaseCpuSeconds());

    /// <summary>
    /// Statements run against the benchmark database, from pg_stat_statements, except the harness's
    /// own and the service's background work, which no request causes and whose rate is bounded by
    /// time: the change channel's pings and notifications (pg_notify), and the batched write of
    /// keys' last use. Anything else, a request's lookup or a reset before a statement, counts.
    /// </summary>
    private async Task<long> QueriesAsync()
    {
        await using var connection = new NpgsqlConnection(_statisticsConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT coalesce(sum(s.calls), 0)::bigint FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
            WHERE d.datname = current_database() AND s.query NOT ILIKE '%pg_stat_statements%' AND s.query NOT ILIKE '%pg_notify%'
              AND s.query <> $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ProviderStatus.Api.ApiKeys.KeyUsage.PostgresFlushStatement });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [GeneratedRegex(@"tps = ([\d.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    [GeneratedRegex(@"latency average = ([\d.]+) ms")]
    private static partial Regex Latency();

    [GeneratedRegex(@"number of transactions actually processed: (\d+)")]
    private static partial Regex Transactions();
}
