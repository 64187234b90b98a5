using System.Globalization;

namespace ProviderStatus.Bench;

internal sealed record BenchOptions(int WarmupSeconds, int Seconds, int SustainedSeconds, int Connections)
{
    /// <summary><c>--quick</c> for a short run while working; the defaults are what the README reports.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var options = args.Contains("--quick") ? new BenchOptions(5, 5, 15, 32) : new BenchOptions(10, 15, 60, 32);
        for (var i = 0; i < args.Length - 1; i++)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--warmup" => options with { WarmupSeconds = value },
                "--duration" => options with { Seconds = value },
                "--sustained" => options with { SustainedSeconds = value },
                "--connections" => options with { Connections = value },
                _ => options,
            };
        }

        return options;
    }
}
