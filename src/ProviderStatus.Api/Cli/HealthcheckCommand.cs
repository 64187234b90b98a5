namespace ProviderStatus.Api.Cli;

/// <summary>
/// <c>healthcheck [--url …]</c>: asks a running instance's liveness endpoint, for a container
/// HEALTHCHECK in an image without curl. Exit code 0 when it answers 2xx, 1 otherwise.
/// </summary>
internal static class HealthcheckCommand
{
    public const string DefaultUrl = "http://127.0.0.1:8080/health/live";

    public static async Task<int> RunAsync(CommandContext context, CommandArguments arguments)
    {
        var url = arguments.Option("--url") ?? DefaultUrl;
        arguments.EnsureNoneLeft();
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--url '{url}' is not an http(s) URL.");
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await client.GetAsync(uri, context.CancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new CommandException($"{uri} answered {(int)response.StatusCode}.");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            throw new CommandException($"{uri} did not answer: {e.Message}");
        }

        await context.Out.WriteLineAsync($"{uri} is live.");
        return CommandLine.Success;
    }
}
