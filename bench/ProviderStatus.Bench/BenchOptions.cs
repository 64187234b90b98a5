using System.Globalization;

namespace ProviderStatus.Bench;

/// <param name="WarmupSeconds">Load before each scenario, not measured.</param>
/// <param name="Seconds">One timed round.</param>
/// <param name="Rounds">Timed rounds per scenario; the report takes the median round, so that a burst of noise from elsewhere on the machine does not decide a ratio.</param>
/// <param name="SustainedSeconds">The long run at 256 connections.</param>
/// <param name="Connections">wrk's connections (and pgbench's clients) in every other scenario.</param>
internal sealed record BenchOptions(int WarmupSeconds, int Seconds, int Rounds, int SustainedSeconds, int Connections)
{
    /// <summary><c>--quick</c> for a short run while working; the defaults are what the README reports.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? new BenchOptions(5, 5, 1, 15, 32) : new BenchOptions(10, 5, 3, 60, 32);
        for (var i = 0; i < args.Length - 1; i++)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--warmup" => options with { WarmupSeconds = value },
                "--duration" => options with { Seconds = value },
                "--rounds" => options with { Rounds = value },
                "--sustained" => options with { SustainedSeconds = value },
                "--connections" => options with { Connections = value },
                _ => options,
            };
        }

        return options;
    }
}
