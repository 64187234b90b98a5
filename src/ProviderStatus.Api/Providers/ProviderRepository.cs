using System.Data.Common;
using Microsoft.Extensions.Options;
using Npgsql;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Providers;

/// <summary>One connection joined with its catalog entry: everything the endpoint shows about it.</summary>
internal sealed record ConnectionRow(
    string Category,
    string Name,
    string AccountId,
    string? DisplayName,
    string Scopes,
    ConnectionFacts Facts);

/// <summary>
/// Reads the endpoint's rows: one statement on the service's <see cref="DbDataSource"/> (the same
/// PostgreSQL connection pool EF Core uses, or the embedded SQLite file), read column by column. The
/// schema is EF Core's (see <c>EntityConfigurations</c> and the migrations), but this read, the one
/// every request that misses the caches makes, goes around EF's query pipeline: measured under wrk,
/// that pipeline (the compiled query's execution strategy, command and shaper, which also builds two
/// delegates on every execution) cost 14–18% of the throughput with the caches disabled. On
/// PostgreSQL, reads that arrive together are sent together (see <see cref="ReadBatcher"/>). Like
/// EF's commands, each read is logged at Debug.
/// </summary>
internal sealed partial class ProviderRepository
{
    /// <summary>The workspace's rows, <c>$1</c> the workspace; the benchmark's P and B2 run it too.</summary>
    internal const string AllRows = """
        SELECT p.category, p.name, c.account_id, c.display_name, c.scopes, c.connected_at, c.disconnected_at, c.last_sync_at, c.last_sync_error, c.auth_error
        FROM connections AS c INNER JOIN providers AS p ON c.provider_id = p.id
        WHERE c.workspace_id = $1
        """;

    private const string CategoryRows = AllRows + " AND p.category = $2";

    private readonly DbDataSource _database;
    private readonly ILogger<ProviderRepository> _logger;

    /// <summary>
    /// Npgsql sends <c>$1</c>, <c>$2</c> to PostgreSQL as they stand when the parameters have no
    /// names (a named parameter makes it parse and rewrite the statement on every execution); SQLite
    /// binds parameters by name, and <c>$1</c> is a name to it.
    /// </summary>
    private readonly bool _namedParameters;

    /// <summary>On PostgreSQL, unless <c>Database:ReadBatches</c> is 0: reads that arrive together go together.</summary>
    private readonly ReadBatcher? _batcher;

    public ProviderRepository(DbDataSource database, IOptions<DatabaseOptions> options, ILogger<ProviderRepository> logger)
    {
        _database = database;
        _logger = logger;
        _namedParameters = database is not NpgsqlDataSource;
        if (database is NpgsqlDataSource postgres && options.Value.ReadBatches > 0)
        {
            _batcher = new ReadBatcher(postgres, options.Value.ReadBatches, logger);
        }
    }

    /// <summary>
    /// The workspace's connections joined with the provider catalog, optionally for one category, in
    /// the API's order: category (email … billing), then provider name, then account id. The order is
    /// applied here with ordinal comparison rather than in SQL, so it does not depend on the
    /// database's collation and is the same on PostgreSQL and SQLite.
    /// </summary>
    public async Task<List<ConnectionRow>> ListAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        LogRead(workspaceId, category ?? "(all)");
        var rows = _batcher is null
            ? await ReadAloneAsync(workspaceId, category, cancellationToken)
            : await _batcher.ReadAsync(workspaceId, category, cancellationToken);
        rows.Sort(ApiOrder);
        return rows;
    }

    /// <summary>The statement for all of a workspace's rows or, with <c>$2</c>, one category's.</summary>
    internal static string Statement(string? category) => category is null ? AllRows : CategoryRows;

    /// <summary>The rows of the reader's current result, every column read.</summary>
    internal static async Task<List<ConnectionRow>> ReadRowsAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<ConnectionRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ConnectionRow(
                Category: reader.GetString(0),
                Name: reader.GetString(1),
                AccountId: reader.GetString(2),
                DisplayName: NullableString(reader, 3),
                Scopes: reader.GetString(4),
                Facts: new ConnectionFacts(
                    ConnectedAt: reader.GetFieldValue<DateTimeOffset>(5),
                    DisconnectedAt: NullableTime(reader, 6),
                    LastSyncAt: NullableTime(reader, 7),
                    LastSyncError: NullableString(reader, 8),
                    AuthError: NullableString(reader, 9))));
        }

        return rows;
    }

    /// <summary>One read as a command of its own: always on SQLite, and on PostgreSQL without batching.</summary>
    private async Task<List<ConnectionRow>> ReadAloneAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        await using var command = _database.CreateCommand(Statement(category));
        AddParameter(command, "$1", workspaceId);
        if (category is not null)
        {
            AddParameter(command, "$2", category);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, cancellationToken);
    }

    private void AddParameter(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        if (_namedParameters)
        {
            parameter.ParameterName = name;
        }

        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the connections of workspace {WorkspaceId}, category {Category}")]
    private partial void LogRead(string workspaceId, string category);

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset? NullableTime(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static int ApiOrder(ConnectionRow x, ConnectionRow y)
    {
        var order = ProviderCategories.Rank(x.Category).CompareTo(ProviderCategories.Rank(y.Category));
        if (order == 0)
        {
            order = string.CompareOrdinal(x.Name, y.Name);
        }

        return order != 0 ? order : string.CompareOrdinal(x.AccountId, y.AccountId);
    }
}
