using System.Globalization;

namespace ProviderStatus.Bench;

/// <summary>CPU time and memory of a process, from /proc.</summary>
internal static class ProcessStats
{
    private const double ClockTicksPerSecond = 100;

    public static double CpuSeconds(int pid)
    {
        var fields = StatFields(pid)!;
        return Ticks(fields, 11, 12) / ClockTicksPerSecond;
    }

    /// <summary>
    /// CPU time of a server that forks a process per connection (PostgreSQL): the server's own, that
    /// of its children that have exited (counted into its own by the kernel once it has reaped them),
    /// and that of its children still running, so that a difference of two readings counts every
    /// connection's work whether or not it ended in between.
    /// </summary>
    public static double ProcessTreeCpuSeconds(int pid)
    {
        var fields = StatFields(pid)!;
        var ticks = Ticks(fields, 11, 12, 13, 14);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var child) && child != pid
                && StatFields(child) is { } childFields && childFields[1] == pid.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(childFields, 11, 12);
            }
        }

        return ticks / ClockTicksPerSecond;
    }

    public static double PeakRssMegabytes(int pid) => StatusKilobytes(pid, "VmHWM:") / 1024.0;

    public static double RssMegabytes(int pid) => StatusKilobytes(pid, "VmRSS:") / 1024.0;

    /// <summary>The fields of /proc/pid/stat after the command name (field 3 onwards), or null once the process is gone.</summary>
    private static string[]? StatFields(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static long Ticks(string[] fields, params int[] indexes) =>
        indexes.Sum(index => long.Parse(fields[index], CultureInfo.InvariantCulture));

    private static long StatusKilobytes(int pid, string field) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field, StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
