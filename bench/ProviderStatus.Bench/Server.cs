using System.Diagnostics;

namespace ProviderStatus.Bench;

/// <summary>
/// A server under test, started from its Release build with its output going straight to a log file
/// (the harness does not spend CPU reading it).
/// </summary>
internal sealed class Server : IAsyncDisposable
{
    private readonly Process _process;

    private Server(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    public static async Task<Server> StartAsync(string dll, string[] arguments, Uri address, string logFile, IDictionary<string, string> environment, string readyPath)
    {
        // From the application's own folder: its content root, where its appsettings.json is.
        var command = $"cd {Quote(Path.GetDirectoryName(dll)!)} && exec dotnet {Quote(dll)} {string.Join(' ', arguments.Select(Quote))} > {Quote(logFile)} 2>&1";
        var start = new ProcessStartInfo("/bin/sh") { ArgumentList = { "-c", command }, UseShellExecute = false };
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new Server(Process.Start(start)!, address);
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(2) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                if ((await client.GetAsync(readyPath)).IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (server._process.HasExited)
            {
                throw new InvalidOperationException($"{Path.GetFileName(dll)} exited; see {logFile}.");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Path.GetFileName(dll)} did not become ready; see {logFile}.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string Quote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
