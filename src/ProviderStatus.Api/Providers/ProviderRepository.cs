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

internal sealed class ProviderRepository(ProviderStatusDbContext db)
{
    /// <summary>
    /// The workspace's connections joined with the provider catalog, optionally for one category, in
    /// the API's order: category (email … billing), then provider name, then account id. The order is
    /// applied here with ordinal comparison rather than in SQL, so it does not depend on the
    /// database's collation and is the same on PostgreSQL and SQLite.
    /// </summary>
    public async Task<List<ConnectionRow>> ListAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        var connections = db.Connections.AsNoTracking().Where(c => c.WorkspaceId == workspaceId);
        if (category is not null)
        {
            connections = connections.Where(c => c.Provider.Category == category);
        }

        var rows = await connections
            .Select(c => new ConnectionRow(
                c.Provider.Category,
                c.Provider.Name,
                c.AccountId,
                c.DisplayName,
                c.Scopes,
                new ConnectionFacts(c.ConnectedAt, c.DisconnectedAt, c.LastSyncAt, c.LastSyncError, c.AuthError)))
            .ToListAsync(cancellationToken);

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
