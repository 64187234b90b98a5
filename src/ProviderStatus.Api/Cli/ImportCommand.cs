using ProviderStatus.Api.Import;

namespace ProviderStatus.Api.Cli;

internal static class ImportCommand
{
    public static async Task<int> RunAsync(CommandContext context, CommandArguments arguments)
    {
        var file = arguments.Positional("the file to import");
        arguments.EnsureNoneLeft();

        byte[] json;
        try
        {
            json = await File.ReadAllBytesAsync(file, context.CancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CommandException($"Cannot read '{file}': {e.Message}");
        }

        var document = ImportFile.Parse(json);
        var summary = await context.Get<ConnectionImporter>().ImportAsync(document, context.CancellationToken);
        await context.Out.WriteLineAsync(
            $"Imported {file}: workspaces {summary.WorkspacesCreated} created, {summary.WorkspacesUpdated} updated; " +
            $"connections {summary.ConnectionsCreated} created, {summary.ConnectionsUpdated} updated, {summary.ConnectionsUnchanged} unchanged.");
        return CommandLine.Success;
    }
}
