using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using ProviderStatus.Api.Data;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Data;

/// <summary>
/// The same hand-written migrations create, on an empty database of each kind, exactly the schema
/// the EF model describes: read back from the database's own catalog, not from EF.
/// </summary>
public sealed partial class MigrationTests
{
    [Fact]
    public async Task Migrating_An_Empty_Sqlite_Database_Yields_The_Model_Schema()
    {
        var file = Path.Combine(Path.GetTempPath(), $"providerstatus-schema-{Guid.NewGuid():N}.db");
        try
        {
            await using var db = Context(options => options.UseSqlite($"Data Source={file}"));
            await AssertMigrationYieldsModelAsync(db, ReadSqliteSchemaAsync);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Migrating_An_Empty_Postgres_Database_Yields_The_Model_Schema()
    {
        var connectionString = await (await PostgresCluster.Shared).CreateDatabaseAsync();
        await using var db = Context(options => options.UseNpgsql(connectionString));
        await AssertMigrationYieldsModelAsync(db, ReadPostgresSchemaAsync);
    }

    private static ProviderStatusDbContext Context(Action<DbContextOptionsBuilder<ProviderStatusDbContext>> configure)
    {
        var builder = new DbContextOptionsBuilder<ProviderStatusDbContext>();
        configure(builder);
        return new ProviderStatusDbContext(builder.Options);
    }

    private static async Task AssertMigrationYieldsModelAsync(ProviderStatusDbContext db, Func<DbConnection, Task<SortedSet<string>>> readSchema)
    {
        var applied = await db.MigrateAsync(CancellationToken.None);
        var appliedAgain = await db.MigrateAsync(CancellationToken.None);

        Assert.Equal(db.Database.GetMigrations(), applied);
        Assert.Empty(appliedAgain);
        Assert.False(db.Database.HasPendingModelChanges(), "The model differs from the migrations' snapshot: add a migration.");

        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        Assert.Equal(ExpectedSchema(db), await readSchema(connection));

        var catalog = await db.Providers.AsNoTracking().OrderBy(p => p.Id).ToListAsync();
        Assert.Equal(
            ProviderCatalog.Entries.Select(p => (p.Id, p.Category, p.Name, p.DisplayName)),
            catalog.Select(p => (p.Id, p.Category, p.Name, p.DisplayName)));
    }

    /// <summary>The schema as the EF model for this provider describes it, one line per fact.</summary>
    private static SortedSet<string> ExpectedSchema(ProviderStatusDbContext db)
    {
        var schema = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var table in db.GetService<IDesignTimeModel>().Model.GetRelationalModel().Tables)
        {
            foreach (var column in table.Columns)
            {
                schema.Add($"column {table.Name}.{column.Name} {column.StoreType.ToLowerInvariant()}{(column.IsNullable ? "" : " not null")}");
            }

            schema.Add($"primary key {table.Name} ({Join(table.PrimaryKey!.Columns)})");
            foreach (var index in table.Indexes)
            {
                schema.Add($"{(index.IsUnique ? "unique " : "")}index {table.Name} {index.Name} ({Join(index.Columns)})");
            }

            foreach (var key in table.ForeignKeyConstraints)
            {
                var onDelete = key.OnDeleteAction.ToString().ToLowerInvariant();
                schema.Add($"foreign key {table.Name} ({Join(key.Columns)}) references {key.PrincipalTable.Name} ({Join(key.PrincipalColumns)}) on delete {onDelete}");
            }
        }

        return schema;
    }

    private static string Join(IEnumerable<IColumn> columns) => string.Join(", ", columns.Select(c => c.Name));

    private static async Task<SortedSet<string>> ReadSqliteSchemaAsync(DbConnection connection)
    {
        var schema = new SortedSet<string>(StringComparer.Ordinal);
        var tables = await QueryAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EF%'");
        foreach (var table in tables.Select(t => (string)t[0]))
        {
            var columns = await QueryAsync(connection, $"PRAGMA table_info('{table}')");
            foreach (var column in columns)
            {
                schema.Add($"column {table}.{column[1]} {((string)column[2]).ToLowerInvariant()}{((long)column[3] == 1 ? " not null" : "")}");
            }

            schema.Add($"primary key {table} ({string.Join(", ", columns.Where(c => (long)c[5] > 0).OrderBy(c => (long)c[5]).Select(c => c[1]))})");

            foreach (var index in await QueryAsync(connection, $"PRAGMA index_list('{table}')"))
            {
                if ((string)index[3] == "pk")
                {
                    continue;
                }

                var indexColumns = (await QueryAsync(connection, $"PRAGMA index_info('{index[1]}')")).OrderBy(c => (long)c[0]).Select(c => c[2]);
                schema.Add($"{((long)index[2] == 1 ? "unique " : "")}index {table} {index[1]} ({string.Join(", ", indexColumns)})");
            }

            foreach (var key in (await QueryAsync(connection, $"PRAGMA foreign_key_list('{table}')")).GroupBy(k => (long)k[0]))
            {
                var parts = key.OrderBy(k => (long)k[1]).ToList();
                schema.Add($"foreign key {table} ({string.Join(", ", parts.Select(k => k[3]))}) references {parts[0][2]} " +
                    $"({string.Join(", ", parts.Select(k => k[4]))}) on delete {((string)parts[0][6]).ToLowerInvariant()}");
            }
        }

        return schema;
    }

    private static async Task<SortedSet<string>> ReadPostgresSchemaAsync(DbConnection connection)
    {
        var schema = new SortedSet<string>(StringComparer.Ordinal);
        var columns = await QueryAsync(connection, """
            SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull
            FROM pg_attribute a
            JOIN pg_class c ON c.oid = a.attrelid
            JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
              AND c.relname NOT LIKE '\_\_EF%'
            """);
        foreach (var column in columns)
        {
            schema.Add($"column {column[0]}.{column[1]} {column[2]}{((bool)column[3] ? " not null" : "")}");
        }

        var constraints = await QueryAsync(connection, """
            SELECT cl.relname, co.contype::text, pg_get_constraintdef(co.oid)
            FROM pg_constraint co
            JOIN pg_class cl ON cl.oid = co.conrelid
            JOIN pg_namespace n ON n.oid = cl.relnamespace
            WHERE n.nspname = 'public' AND co.contype IN ('p', 'f') AND cl.relname NOT LIKE '\_\_EF%'
            """);
        foreach (var constraint in constraints)
        {
            var definition = (string)constraint[2];
            if ((string)constraint[1] == "p")
            {
                schema.Add($"primary key {constraint[0]} ({PrimaryKey().Match(definition).Groups[1].Value})");
            }
            else
            {
                var key = ForeignKey().Match(definition);
                schema.Add($"foreign key {constraint[0]} ({key.Groups[1].Value}) references {key.Groups[2].Value} ({key.Groups[3].Value}) " +
                    $"on delete {(key.Groups[4].Success ? key.Groups[4].Value.ToLowerInvariant() : "no action")}");
            }
        }

        var indexes = await QueryAsync(connection, """
            SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename NOT LIKE '\_\_EF%'
              AND indexname NOT IN (SELECT conname FROM pg_constraint)
            """);
        foreach (var index in indexes)
        {
            var definition = (string)index[2];
            var indexColumns = IndexColumns().Match(definition).Groups[1].Value.Replace("\"", "", StringComparison.Ordinal);
            schema.Add($"{(definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal) ? "unique " : "")}index {index[0]} {index[1]} ({indexColumns})");
        }

        return schema;
    }

    private static async Task<List<object[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }

    [GeneratedRegex(@"^PRIMARY KEY \((.+)\)$")]
    private static partial Regex PrimaryKey();

    [GeneratedRegex(@"^FOREIGN KEY \((.+)\) REFERENCES (\w+)\((.+?)\)(?: ON DELETE (CASCADE|RESTRICT|SET NULL))?$")]
    private static partial Regex ForeignKey();

    [GeneratedRegex(@"USING \w+ \((.+)\)$")]
    private static partial Regex IndexColumns();
}
