namespace ProviderStatus.Tests.Infrastructure;

/// <summary>The built service run as ops run it: its own process, configured by environment variables.</summary>
public static class AppProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "ProviderStatus.Api.dll");

    public static Task<ProcessResult> RunAsync(IDictionary<string, string> environment, params string[] args) =>
        ProcessRunner.RunAsync("dotnet", [Dll, .. args], workingDirectory: AppContext.BaseDirectory, environment: environment);
}
