using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Import;

namespace ProviderStatus.Api.Cli;

internal sealed record CommandContext(IServiceProvider Services, TextWriter Out, TextWriter Error, CancellationToken CancellationToken)
{
    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();
}

/// <summary>
/// The ops commands of the host (<c>migrate</c>, <c>import</c>, <c>keys</c>, <c>seed-demo</c>,
/// <c>healthcheck</c>). Results
/// go to standard output and everything else to standard error, so <c>key=$(… keys create …)</c>
/// captures just the key. Exit codes: 0 success, 1 the command failed, 2 the command line was wrong.
/// </summary>
internal static class CommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    public const string Usage = """
        Usage: dotnet run --project src/ProviderStatus.Api -- [command]
        Without a command the service serves HTTP (choose the address with --urls or ASPNETCORE_URLS).

        Commands:
          migrate                        Apply database migrations.
          import <file.json>             Upsert workspaces and connections from a JSON file; a file
                                         with any invalid part is refused whole.
          keys create --workspace <id> [--name <label>] [--permission <perm>]... [--expires <ISO 8601>]
                                         Create an API key and print it once (default permission read:settings).
          keys list --workspace <id>     List a workspace's keys (never the keys themselves).
          keys revoke <key id | key>     Revoke a key.
          seed-demo                      Create the 'demo' workspace with one connection in each
                                         status, and print a new API key for it.
          healthcheck [--url <url>]      Ask a running instance whether it is live (default
                                         http://127.0.0.1:8080/health/live), for container health checks.
          help, --help, -h               Show this text.

        Exit codes: 0 success, 1 the command failed, 2 the command line was not understood.

        """;

    private static readonly string[] Commands = ["migrate", "import", "keys", "seed-demo", "healthcheck", "help", "--help", "-h"];

    /// <summary>
    /// True when the arguments start with a command rather than with options for serving HTTP
    /// (<c>--urls …</c>, <c>/urls …</c>, <c>urls=…</c>). Any other first word counts as a command, so
    /// that a mistyped one is refused instead of starting the service; so do <c>--help</c> and
    /// <c>-h</c>, which would otherwise start it.
    /// </summary>
    public static bool IsCommand(string[] args) =>
        args.Length > 0 && (args[0] is "--help" or "-h" || (!args[0].StartsWith('-') && !args[0].StartsWith('/') && !args[0].Contains('=')));

    public static async Task<int> RunAsync(
        IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!Commands.Contains(args[0], StringComparer.Ordinal))
            {
                throw new UsageException($"Unknown command '{args[0]}'.");
            }

            await using var scope = services.CreateAsyncScope();
            var context = new CommandContext(scope.ServiceProvider, stdout, stderr, cancellationToken);
            var arguments = new CommandArguments(args.Skip(1));
            switch (args[0])
            {
                case "migrate":
                    return await MigrateCommand.RunAsync(context, arguments);
                case "healthcheck":
                    return await HealthcheckCommand.RunAsync(context, arguments);
                case "help" or "--help" or "-h":
                    await stdout.WriteAsync(Usage);
                    return Success;
            }

            await EnsureSchemaAsync(context);
            return args[0] switch
            {
                "import" => await ImportCommand.RunAsync(context, arguments),
                "keys" => await KeysCommand.RunAsync(context, arguments),
                _ => await SeedDemoCommand.RunAsync(context, arguments), // "seed-demo", the last command left
            };
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"error: {e.Message}\n");
            await stderr.WriteAsync(Usage);
            return UsageError;
        }
        catch (Exception e) when (e is CommandException or ApiKeyException or ImportFileException or OptionsValidationException)
        {
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Failure;
        }
        catch (Exception e) when (DatabaseFailures.IsUnavailable(e))
        {
            await stderr.WriteLineAsync($"error: the database cannot be reached: {DatabaseFailures.Describe(e)}");
            return Failure;
        }
        catch (Exception e) when (e is DbException or DbUpdateException)
        {
            await stderr.WriteLineAsync($"error: the database refused the command: {e.GetBaseException().Message}");
            return Failure;
        }
        catch (IOException e)
        {
            // The embedded database's folder cannot be created, say.
            await stderr.WriteLineAsync($"error: {e.Message}");
            return Failure;
        }
    }

    /// <summary>
    /// The embedded SQLite database is migrated on first use; PostgreSQL must have been migrated
    /// with the <c>migrate</c> command, and a command refuses to run on an outdated schema.
    /// </summary>
    private static async Task EnsureSchemaAsync(CommandContext context)
    {
        var db = context.Get<ProviderStatusDbContext>();
        if (db.Database.IsSqlite())
        {
            await db.MigrateAsync(context.CancellationToken);
        }
        else if ((await db.PendingMigrationsAsync(context.CancellationToken)).Count > 0)
        {
            throw new CommandException("The database has pending migrations: run the 'migrate' command first.");
        }
    }
}
