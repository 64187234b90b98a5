using Microsoft.EntityFrameworkCore;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Import;

internal sealed record ImportSummary(
    int WorkspacesCreated, int WorkspacesUpdated, int ConnectionsCreated, int ConnectionsUpdated, int ConnectionsUnchanged);

/// <summary>
/// Upserts a validated <see cref="ImportDocument"/>: a workspace by id, a connection by workspace,
/// provider and account id; each connection in the document replaces the stored one whole.
/// Connections absent from the document are left alone. Everything is written in one transaction,
/// so the import lands completely or not at all, and importing the same document again writes
/// nothing. The workspaces it changed are announced on the change feed, so that cached responses,
/// here and in every other instance, are replaced.
/// </summary>
internal sealed class ConnectionImporter(ProviderStatusDbContext db, TimeProvider clock, ChangeFeed feed)
{
    public async Task<ImportSummary> ImportAsync(ImportDocument document, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var ids = document.Workspaces.Select(w => w.Id).ToList();
        var workspaces = await db.Workspaces.Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, cancellationToken);
        var connections = await db.Connections.Where(c => ids.Contains(c.WorkspaceId))
            .ToDictionaryAsync(c => (c.WorkspaceId, c.ProviderId, c.AccountId), cancellationToken);

        int workspacesCreated = 0, connectionsCreated = 0;
        foreach (var workspace in document.Workspaces)
        {
            if (workspaces.TryGetValue(workspace.Id, out var stored))
            {
                stored.Name = workspace.Name;
            }
            else
            {
                db.Workspaces.Add(new Workspace { Id = workspace.Id, Name = workspace.Name, CreatedAt = now });
                workspacesCreated++;
            }

            foreach (var incoming in workspace.Connections)
            {
                if (!connections.TryGetValue((workspace.Id, incoming.ProviderId, incoming.AccountId), out var connection))
                {
                    connection = new ProviderConnection
                    {
                        Id = Guid.CreateVersion7(now),
                        WorkspaceId = workspace.Id,
                        ProviderId = incoming.ProviderId,
                        AccountId = incoming.AccountId,
                        CreatedAt = now,
                        UpdatedAt = now,
                    };
                    db.Connections.Add(connection);
                    connectionsCreated++;
                }

                connection.DisplayName = incoming.DisplayName;
                connection.Scopes = Scopes.Join(incoming.Scopes);
                connection.ConnectedAt = incoming.ConnectedAt;
                connection.LastSyncAt = incoming.LastSyncAt;
                connection.LastSyncError = incoming.LastSyncError;
                connection.AuthError = incoming.AuthError;
                connection.DisconnectedAt = incoming.DisconnectedAt;
            }
        }

        db.ChangeTracker.DetectChanges();
        var connectionsUpdated = 0;
        foreach (var entry in db.ChangeTracker.Entries<ProviderConnection>().Where(e => e.State == EntityState.Modified))
        {
            entry.Entity.UpdatedAt = now;
            connectionsUpdated++;
        }

        var workspacesUpdated = db.ChangeTracker.Entries<Workspace>().Count(e => e.State == EntityState.Modified);
        var changed = db.ChangeTracker.Entries<ProviderConnection>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => e.Entity.WorkspaceId)
            .ToHashSet(StringComparer.Ordinal);
        var changes = Changes.ForWorkspaces(changed);
        await db.SaveChangesAsync(cancellationToken);
        feed.ApplyLocally(changes);

        var total = document.Workspaces.Sum(w => w.Connections.Count);
        return new ImportSummary(workspacesCreated, workspacesUpdated, connectionsCreated, connectionsUpdated,
            total - connectionsCreated - connectionsUpdated);
    }
}
