using System.Globalization;
using System.Text.Json.Serialization;
using Npgsql;

namespace ProviderStatus.Bench;

/// <param name="WarmupSeconds">Load before each scenario, not measured.</param>
/// <param name="Seconds">One timed round.</param>
/// <param name="Rounds">Timed rounds per scenario; the report takes the median round, so that a burst of noise from elsewhere on the machine does not decide a ratio.</param>
/// <param name="SustainedSeconds">The long run at 256 connections.</param>
/// <param name="Connections">wrk's connections (and pgbench's clients) in every other scenario.</param>
internal sealed record BenchOptions(int WarmupSeconds, int Seconds, int Rounds, int SustainedSeconds, int Connections)
{
    public const string Usage = """
        usage: bench/run.sh [--quick] [--warmup S] [--duration S] [--rounds N] [--sustained S] [--connections N]
                            [--postgres CONNECTION-STRING]
          --quick          one short round per scenario (5 s warm-up, 1 round, 15 s sustained), while working
          --warmup S       seconds of load before each scenario, not measured (default 10)
          --duration S     seconds of one timed round (default 5)
          --rounds N       timed rounds per scenario; the table shows the median (default 3)
          --sustained S    seconds of the run at 256 connections (default 60)
          --connections N  wrk's connections and pgbench's clients in the other scenarios (default 32)
          --postgres CS    an existing PostgreSQL server to use instead of a cluster of its own (an Npgsql
                           connection string whose user may create databases); the run creates a database
                           of its own there and drops it at the end
        The other options override --quick's values.
        """;

    /// <summary>
    /// The server of <c>--postgres</c>, or null for a cluster of the run's own. Never written to the
    /// results: it may hold a password.
    /// </summary>
    [JsonIgnore]
    public string? Postgres { get; init; }

    private static readonly BenchOptions Full = new(10, 5, 3, 60, 32);
    private static readonly BenchOptions Quick = new(5, 5, 1, 15, 32);

    /// <summary>
    /// The options, or null with <paramref name="error"/> set (null too for <c>--help</c>, which is
    /// not an error). The defaults are what the README reports.
    /// </summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        error = null;
        var options = args.Contains("--quick") ? Quick : Full;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "--help" or "-h")
            {
                return null;
            }

            if (name == "--quick")
            {
                continue;
            }

            if (name == "--postgres")
            {
                if (i + 1 >= args.Length || !IsServerConnectionString(args[i + 1]))
                {
                    // Not the value itself: it may hold a password.
                    error = "--postgres needs an Npgsql connection string with a Host, such as \"Host=db.internal;Username=bench;Password=...\"";
                    return null;
                }

                options = options with { Postgres = args[++i] };
                continue;
            }

            if (name is not ("--warmup" or "--duration" or "--rounds" or "--sustained" or "--connections"))
            {
                error = $"unknown option '{name}'";
                return null;
            }

            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                error = $"{name} needs a whole number of at least 1";
                return null;
            }

            i++;
            options = name switch
            {
                "--warmup" => options with { WarmupSeconds = value },
                "--duration" => options with { Seconds = value },
                "--rounds" => options with { Rounds = value },
                "--sustained" => options with { SustainedSeconds = value },
                _ => options with { Connections = value },
            };
        }

        return options;
    }

    private static bool IsServerConnectionString(string value)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(new NpgsqlConnectionStringBuilder(value).Host);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
