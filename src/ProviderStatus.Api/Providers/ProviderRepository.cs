using System.Linq.Expressions;
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
/// Reads the endpoint's rows. Its queries are compiled once per application, so EF does not translate
/// them again on every read; a compiled query belongs to one model (PostgreSQL's or SQLite's), which
/// is why they live in this singleton rather than in statics (the tests host both in one process).
/// </summary>
internal sealed class ProviderRepository(IDbContextFactory<ProviderStatusDbContext> contexts)
{
    /// <summary>One row of the answer, as both queries select it.</summary>
    private static readonly Expression<Func<ProviderConnection, ConnectionRow>> ToRow = c => new ConnectionRow(
        c.Provider.Category,
        c.Provider.Name,
        c.AccountId,
        c.DisplayName,
        c.Scopes,
        new ConnectionFacts(c.ConnectedAt, c.DisconnectedAt, c.LastSyncAt, c.LastSyncError, c.AuthError));

    private readonly Func<ProviderStatusDbContext, string, IAsyncEnumerable<ConnectionRow>> _allRows =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, string workspaceId) => db.Connections.AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId)
            .Select(ToRow));

    private readonly Func<ProviderStatusDbContext, string, string, IAsyncEnumerable<ConnectionRow>> _categoryRows =
        EF.CompileAsyncQuery((ProviderStatusDbContext db, string workspaceId, string category) => db.Connections.AsNoTracking()
            .Where(c => c.WorkspaceId == workspaceId && c.Provider.Category == category)
            .Select(ToRow));

    /// <summary>
    /// The workspace's connections joined with the provider catalog, optionally for one category, in
    /// the API's order: category (email … billing), then provider name, then account id. The order is
    /// applied here with ordinal comparison rather than in SQL, so it does not depend on the
    /// database's collation and is the same on PostgreSQL and SQLite.
    /// </summary>
    public async Task<List<ConnectionRow>> ListAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        var rows = new List<ConnectionRow>();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = category is null ? _allRows(db, workspaceId) : _categoryRows(db, workspaceId, category);
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
