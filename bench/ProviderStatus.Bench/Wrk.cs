using System.Globalization;
using System.Text.RegularExpressions;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Bench;

internal sealed record LoadResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Non2xx, long SocketErrors);

/// <summary>Runs wrk on loopback and reads its report.</summary>
internal static partial class Wrk
{
    public static async Task<LoadResult> RunAsync(Uri url, int connections, int seconds, IEnumerable<string> headers, string? script = null, string? scriptArgument = null)
    {
        List<string> arguments = ["-t2", $"-c{connections}", $"-d{seconds}s", "--timeout", "10s", "--latency"];
        foreach (var header in headers)
        {
            arguments.AddRange(["-H", header]);
        }

        if (script is not null)
        {
            arguments.AddRange(["-s", script]);
        }

        arguments.Add(url.ToString());
        if (scriptArgument is not null)
        {
            arguments.AddRange(["--", scriptArgument]);
        }

        var result = await ProcessRunner.RunAsync("wrk", arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"wrk failed: {result.Stderr}{result.Stdout}");
        }

        var output = result.Stdout;
        var errors = SocketErrors().Match(output);
        return new LoadResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Percentile(output, "50%"),
            Percentile(output, "99%"),
            long.Parse(Requests().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Non2xx().Match(output) is { Success: true } non2xx ? long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture) : 0,
            errors.Success ? Enumerable.Range(1, 4).Sum(i => long.Parse(errors.Groups[i].Value, CultureInfo.InvariantCulture)) : 0);
    }

    private static double Percentile(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Requests();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex Non2xx();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrors();
}
