using Microsoft.EntityFrameworkCore;
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
/// The repository's queries, compiled once per application so EF does not translate them again on
/// every request. Held by the container rather than in statics: a compiled query belongs to one
/// model (PostgreSQL's or SQLite's), and one process can host both (the tests do).
/// </summary>
internal sealed class ProviderQueries
{
    public Func<ProviderStatusDbContext, string, IAsyncEnumerable<ConnectionRow>> AllRows { get; } =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, string workspaceId) => db.Connections.AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId)
            .Select(c => new ConnectionRow(
                c.Provider.Category,
                c.Provider.Name,
                c.AccountId,
                c.DisplayName,
                c.Scopes,
                new ConnectionFacts(c.ConnectedAt, c.DisconnectedAt, c.LastSyncAt, c.LastSyncError, c.AuthError))));

    public Func<ProviderStatusDbContext, string, string, IAsyncEnumerable<ConnectionRow>> CategoryRows { get; } =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, string workspaceId, string category) => db.Connections.AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId && c.Provider.Category == category)
            .Select(c => new ConnectionRow(
                c.Provider.Category,
                c.Provider.Name,
                c.AccountId,
                c.DisplayName,
                c.Scopes,
                new ConnectionFacts(c.ConnectedAt, c.DisconnectedAt, c.LastSyncAt, c.LastSyncError, c.AuthError))));
}

internal sealed class ProviderRepository(ProviderStatusDbContext db, ProviderQueries queries)
{
    /// <summary>
    /// The workspace's connections joined with the provider catalog, optionally for one category, in
    /// the API's order: category (email … billing), then provider name, then account id. The order is
    /// applied here with ordinal comparison rather than in SQL, so it does not depend on the
    /// database's collation and is the same on PostgreSQL and SQLite.
    /// </summary>
    public async Task<List<ConnectionRow>> ListAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        var rows = new List<ConnectionRow>();
        var query = category is null ? queries.AllRows(db, workspaceId) : queries.CategoryRows(db, workspaceId, category);
        await foreach (var row in query.WithCancellation(cancellationToken))
        {
            rows.Add(row);
        }

        rows.Sort(ApiOrder);
        return rows;
    }

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
