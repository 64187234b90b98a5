using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ProviderStatus.Bench;

/// <summary>A goal of the form "scenario ≥ factor × baseline", measured in the same run.</summary>
internal sealed record Goal(string Scenario, string Baseline, double Factor, bool NoQueries = false, bool NoErrors = false, double? MaxGrowthMegabytes = null);

internal sealed record Report(string Table, string Json)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Goal[] Goals =
    [
        new("B1", "B0", 0),
        new("B1 304", "B0", 0),
        new("B1 invalid key", "B0", 0),
        new("B2", "P", 0),
        new("B2, multiplexed", "P", 0),
        new("api key 200", "B0", 0.7),
        new("api key 200, every request logged", "B0", 0),
        new("jwt 200", "B0", 0),
        new("304", "B0", 0.85),
        new("invalid key", "B0", 0.8, NoQueries: true),
        new("rows 3", "B0", 0),
        new("rows 30", "B0", 0),
        new("rows 300", "B0", 0),
        new("1 workspace", "api key 200", 0),
        new("10k workspaces", "1 workspace", 0.8),
        new("c256 sustained", "B0 c256", 0, NoErrors: true, MaxGrowthMegabytes: 25),
        new("caching disabled", "P", 0.5),
        new("caching disabled, unbatched", "P", 0),
        new("caching disabled, multiplexed", "P", 0),
        new("caching disabled, pool of 8", "P", 0),
    ];

    /// <param name="database">Where PostgreSQL ran, without credentials.</param>
    public static Report Create(IReadOnlyList<ScenarioResult> results, BenchOptions options, string database)
    {
        var byName = results.ToDictionary(r => r.Name);
        var rows = results.Select(result =>
        {
            var goal = Goals.FirstOrDefault(g => g.Scenario == result.Name);
            double? ratio = goal is null ? null
                : result.PairedRatio is { } paired ? paired
                : byName.TryGetValue(goal.Baseline, out var baseline) && baseline.RequestsPerSecond > 0 ? result.RequestsPerSecond / baseline.RequestsPerSecond
                : null;
            // Unknown, rather than missed, when the database could not count statements (--postgres).
            bool? met = goal is null || (goal.NoQueries && result.QueriesPer1000 is null) ? null
                : (ratio ?? 0) >= goal.Factor
                  && (!goal.NoQueries || result.QueriesPer1000 == 0)
                  && (!goal.NoErrors || (result.Errors == 0 && result.Non2xx == 0))
                  && (goal.MaxGrowthMegabytes is not { } growth || result.MemoryGrowthMegabytes <= growth);
            return new { Result = result, Goal = goal, Ratio = ratio, Met = met };
        }).ToList();

        var table = new StringBuilder();
        table.AppendLine("| scenario | conns | req/s | p50 ms | p99 ms | non-2xx | errors | CPU s/1k req | DB queries/1k req | DB CPU s/1k req | memory MB | ratio | goal |");
        table.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            var r = row.Result;
            var goalText = row.Goal switch
            {
                null => "",
                { Factor: > 0 } g => $"≥ {g.Factor:0.##} × {g.Baseline}{(g.NoQueries ? ", 0 queries" : "")}: {row.Met switch { true => "met", false => "missed", null => "queries not counted" }}",
                { NoErrors: true } g => $"0 errors, growth ≤ {g.MaxGrowthMegabytes} MB: {(row.Met == true ? "met" : "missed")}",
                _ => "",
            };
            var memory = r.MemoryMegabytes is { } m ? (r.MemoryGrowthMegabytes is { } grow ? $"{m:0} ({grow:+0.0;-0.0})" : $"{m:0}") : "";
            table.AppendLine(CultureInfo.InvariantCulture, $"| {r.Name} | {(r.Connections > 0 ? r.Connections : "")} | {Positive(r.RequestsPerSecond, "N0")} | " +
                $"{Positive(r.P50Ms, "0.00")} | {Positive(r.P99Ms, "0.00")} | {(r.Requests > 0 ? r.Non2xx : "")} | {(r.Requests > 0 ? r.Errors : "")} | " +
                $"{Number(r.CpuSecondsPer1000, "0.000")} | {Number(r.QueriesPer1000, "0.0")} | {Number(r.DatabaseCpuSecondsPer1000, "0.000")} | {memory} | " +
                $"{(row.Ratio is { } ratio ? $"{ratio:0.00} × {row.Goal!.Baseline}" : "")} | {goalText} |");
        }

        var machine = new
        {
            Cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim(),
            Cores = Environment.ProcessorCount,
            Os = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
        };
        var json = JsonSerializer.Serialize(new
        {
            Date = DateTime.UtcNow,
            Machine = machine,
            Database = database,
            Options = options,
            Results = rows.Select(r => new { r.Result, Goal = r.Goal?.Baseline, Factor = r.Goal?.Factor, r.Ratio, r.Met }),
        }, JsonOptions);

        table.AppendLine();
        table.Append(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd}, {machine.Cores} cores ({machine.Cpu}), {machine.Runtime}; ");
        table.Append(CultureInfo.InvariantCulture, $"median of {options.Rounds} × {options.Seconds} s per scenario after {options.WarmupSeconds} s warm-up, wrk and the servers on the same machine, ");
        table.Append(CultureInfo.InvariantCulture, $"{database}; ");
        table.Append("each ratio is the median over the rounds of the scenario's round divided by a round of its baseline run just before it (the sustained run's, of the two medians).");
        return new Report(table.ToString(), json);
    }

    /// <summary>A measured value, zero included; blank when the row does not measure it.</summary>
    private static string Number(double? value, string format) =>
        value is { } v && !double.IsNaN(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    /// <summary>A rate or latency, which a row that does not measure it leaves at zero (peak RSS) or NaN (P's p99).</summary>
    private static string Positive(double value, string format) => value > 0 ? Number(value, format) : "";
}
