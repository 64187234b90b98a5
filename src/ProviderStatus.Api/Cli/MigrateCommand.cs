using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Cli;

internal static class MigrateCommand
{
    public static async Task<int> RunAsync(CommandContext context, CommandArguments arguments)
    {
        arguments.EnsureNoneLeft();
        var db = context.Get<ProviderStatusDbContext>();
        var applied = await db.MigrateAsync(context.CancellationToken);

        // Name the database without its connection string, which may hold a password.
        var database = db.Database.IsSqlite()
            ? $"SQLite database {new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource}"
            : $"PostgreSQL database '{db.Database.GetDbConnection().Database}'";
        await context.Out.WriteLineAsync(applied.Count == 0
            ? $"The {database} is up to date."
            : $"Applied {applied.Count} migration(s) to the {database}: {string.Join(", ", applied)}.");
        return CommandLine.Success;
    }
}
