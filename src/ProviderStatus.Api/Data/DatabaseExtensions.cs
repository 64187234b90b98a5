using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Api.Data;

internal static partial class DatabaseExtensions
{
    public static IServiceCollection AddDatabase(this IServiceCollection services)
    {
        services.AddValidatedOptions<ConnectionStringOptions, ConnectionStringOptions.Validator>(ConnectionStringOptions.Section);
        services.AddValidatedOptions<DatabaseOptions, DatabaseOptions.Validator>(DatabaseOptions.Section);

        // Options are read when the pool is first used, not at registration, so configuration from
        // any source (including tests) decides the provider. No retrying execution strategy: a
        // caller gets a quick 503 and retries, rather than waiting while the service retries.
        // The request path leases a context from the pooled factory only when the key cache misses
        // (the endpoint's rows are read on the data source itself, see ProviderRepository);
        // everything else gets a scoped context leased from the same pool.
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<ProviderStatusDbContext>>().CreateDbContext());
        services.AddSingleton(CreateDataSource);
        services.AddPooledDbContextFactory<ProviderStatusDbContext>((sp, options) =>
        {
            var database = sp.GetRequiredService<DbDataSource>();
            if (database is NpgsqlDataSource postgres)
            {
                options.UseNpgsql(postgres);
            }
            else
            {
                options.UseSqlite(database.ConnectionString);
            }

            // A failed command is reported once, where it is handled: as a warning when the database
            // is unavailable (503), as an error with its stack trace when it is a bug (500), as one
            // line by a CLI command. EF's own reports of the same failure are kept for Debug.
            options.ConfigureWarnings(events => events.Log(
                (RelationalEventId.CommandError, LogLevel.Debug),
                (RelationalEventId.ConnectionError, LogLevel.Debug),
                (CoreEventId.QueryIterationFailed, LogLevel.Debug),
                (CoreEventId.SaveChangesFailed, LogLevel.Debug)));
        });
        return services;
    }

    /// <summary>
    /// The service's database, for EF Core and for the statements that go around it: on PostgreSQL one
    /// connection pool for both; on SQLite the embedded file (Microsoft.Data.Sqlite pools its
    /// connections by connection string).
    /// </summary>
    private static DbDataSource CreateDataSource(IServiceProvider services)
    {
        var connectionStrings = services.GetRequiredService<IOptions<ConnectionStringOptions>>().Value;
        var timeouts = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (connectionStrings.UsesPostgres)
        {
            return NpgsqlDataSource.Create(PostgresConnectionString(connectionStrings.Postgres!, timeouts));
        }

        var contentRoot = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
        return SqliteFactory.Instance.CreateDataSource(new SqliteConnectionStringBuilder(connectionStrings.SqliteConnectionString(contentRoot))
        {
            DefaultTimeout = timeouts.CommandTimeoutSeconds,
        }.ConnectionString);
    }

    /// <summary>
    /// The connection string as the service uses it: its timeouts from <see cref="DatabaseOptions"/>;
    /// statements the service repeats prepared automatically (unless the connection string says
    /// otherwise), so PostgreSQL plans them once per connection; and no session reset when a
    /// connection returns to the pool, since the service never changes session state.
    /// </summary>
    internal static string PostgresConnectionString(string configured, DatabaseOptions timeouts)
    {
        var builder = new NpgsqlConnectionStringBuilder(configured)
        {
            Timeout = timeouts.ConnectTimeoutSeconds,
            CommandTimeout = timeouts.CommandTimeoutSeconds,
            NoResetOnClose = true,
        };
        if (builder.MaxAutoPrepare == 0)
        {
            builder.MaxAutoPrepare = 20;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Applies pending migrations and returns their ids. For SQLite it first creates the database's
    /// folder and afterwards switches the file to WAL, so the service and the CLI can use it at once.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(this ProviderStatusDbContext db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder && file != ":memory:")
            {
                try
                {
                    Directory.CreateDirectory(folder);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Cannot create {folder}, the folder of the embedded SQLite database: {e.Message}", e);
                }
            }
        }

        // EF reads the history table before it creates it, and logs that failure on a new database
        // as an error; creating it first (it is created anyway) keeps a first migration quiet.
        await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        var pending = await db.Database.GetPendingMigrationsAsync(cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        return [.. pending];
    }

    /// <summary>
    /// The migrations not yet applied. On a database without tables they all are: EF would otherwise
    /// query the missing history table anyway and log the failure as an error.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(this ProviderStatusDbContext db, CancellationToken cancellationToken) =>
        await db.GetService<IRelationalDatabaseCreator>().HasTablesAsync(cancellationToken)
            ? [.. await db.Database.GetPendingMigrationsAsync(cancellationToken)]
            : [.. db.Database.GetMigrations()];

    /// <summary>
    /// On the embedded SQLite database, migrate at startup so a first run just works. PostgreSQL is
    /// migrated explicitly with the <c>migrate</c> command, once per deployment.
    /// </summary>
    public static async Task MigrateEmbeddedDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ProviderStatusDbContext>();
        if (db.Database.IsSqlite())
        {
            await db.MigrateAsync(cancellationToken);
            LogEmbeddedDatabase(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseExtensions).FullName!), EmbeddedDatabasePath(services));
        }
    }

    /// <summary>
    /// <see cref="MigrateEmbeddedDatabaseAsync"/>, but a database that cannot be used (a folder that
    /// cannot be created, a file that is not a database or is read-only) is one line on
    /// <paramref name="error"/> and false, not a stack trace.
    /// </summary>
    public static async Task<bool> TryMigrateEmbeddedDatabaseAsync(this IServiceProvider services, TextWriter error)
    {
        try
        {
            await services.MigrateEmbeddedDatabaseAsync();
            return true;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync($"Startup error: {e.Message}");
            return false;
        }
        catch (Exception e) when (e is DbException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync(
                $"Startup error: the embedded SQLite database {EmbeddedDatabasePath(services)} cannot be used: {e.GetBaseException().Message}");
            return false;
        }
    }

    /// <summary>The embedded database's file as a full path, from the same settings the contexts are built from.</summary>
    private static string EmbeddedDatabasePath(IServiceProvider services)
    {
        var connectionString = services.GetRequiredService<IOptions<ConnectionStringOptions>>().Value
            .SqliteConnectionString(services.GetRequiredService<IHostEnvironment>().ContentRootPath);
        return Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Serving from the embedded SQLite database at {Path}; set ConnectionStrings:Postgres to use PostgreSQL in production.")]
    private static partial void LogEmbeddedDatabase(ILogger logger, string path);
}
