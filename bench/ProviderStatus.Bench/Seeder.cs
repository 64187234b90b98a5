using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Import;

namespace ProviderStatus.Bench;

/// <summary>A workspace of the benchmark data and the API key that reads it.</summary>
internal sealed record SeededWorkspace(string Id, int Rows, string Key);

internal sealed record SeededData(SeededWorkspace Typical, IReadOnlyList<SeededWorkspace> BySize, IReadOnlyList<SeededWorkspace> Many);

/// <summary>
/// Loads the benchmark data through the service's own importer and key format: a typical workspace
/// of 7 connections in every status, workspaces of 3, 30 and 300 connections, and 10,000 workspaces
/// of 7 connections, each with a key.
/// </summary>
internal static class Seeder
{
    public const int TypicalRows = 7;
    public const int ManyWorkspaces = 10_000;
    private static readonly int[] Sizes = [3, 30, 300];

    public static async Task<SeededData> SeedAsync(string connectionString)
    {
        await using (var db = Context(connectionString))
        {
            await db.MigrateAsync(CancellationToken.None);
        }

        var now = DateTimeOffset.UtcNow;
        var workspaces = new List<WorkspaceImport> { new("typical", "Typical", Connections(TypicalRows, now)) };
        workspaces.AddRange(Sizes.Select(size => new WorkspaceImport($"rows-{size}", $"{size} rows", Connections(size, now))));
        workspaces.AddRange(Enumerable.Range(0, ManyWorkspaces).Select(i => new WorkspaceImport($"many-{i:D5}", $"Workspace {i}", Connections(TypicalRows, now))));
        // Nothing serves yet, so the importer's cache evictions go to caches nobody reads.
        var cacheOptions = Options.Create(new CacheOptions());
        var freshness = new CacheFreshness(TimeProvider.System, cacheOptions);
        var feed = new ChangeFeed(new ResponseCache(freshness, cacheOptions), new KeyCache(freshness, cacheOptions));
        foreach (var batch in workspaces.Chunk(500))
        {
            await using var db = Context(connectionString);
            await new ConnectionImporter(db, TimeProvider.System, feed).ImportAsync(new ImportDocument(batch), CancellationToken.None);
        }

        var keys = new Dictionary<string, string>();
        foreach (var batch in workspaces.Chunk(1000))
        {
            await using var db = Context(connectionString);
            foreach (var workspace in batch)
            {
                var secret = ApiKeyFormat.Generate();
                keys[workspace.Id] = secret;
                db.ApiKeys.Add(new ApiKey
                {
                    Id = Guid.CreateVersion7(),
                    WorkspaceId = workspace.Id,
                    Name = "bench",
                    KeyHash = ApiKeyFormat.Hash(secret),
                    LastFour = ApiKeyFormat.LastFour(secret),
                    Permissions = "read:settings",
                    CreatedAt = now,
                });
            }

            await db.SaveChangesAsync();
        }

        // Statistics now, as a database in use has them, rather than whenever autovacuum gets to the new
        // rows: the endpoint's statements are prepared, and until then their plan probes the index once
        // per provider in the catalog (47 buffers per query instead of 10).
        await using (var db = Context(connectionString))
        {
            await db.Database.ExecuteSqlRawAsync("ANALYZE");
        }

        SeededWorkspace Seeded(WorkspaceImport w) => new(w.Id, w.Connections.Count, keys[w.Id]);
        return new SeededData(
            Seeded(workspaces[0]),
            [.. workspaces.Skip(1).Take(Sizes.Length).Select(Seeded)],
            [.. workspaces.Skip(1 + Sizes.Length).Select(Seeded)]);
    }

    private static ProviderStatusDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<ProviderStatusDbContext>().UseNpgsql(connectionString).Options);

    /// <summary><paramref name="count"/> connections across the catalog, in every status.</summary>
    private static List<ConnectionImport> Connections(int count, DateTimeOffset now) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            var provider = ProviderCatalog.Entries[i % ProviderCatalog.Entries.Count];
            var kind = i % 7;
            return new ConnectionImport(
                provider.Id,
                $"account-{i / ProviderCatalog.Entries.Count:D3}@bench.example",
                $"{provider.DisplayName} {i}",
                ["scope.read", "scope.write"],
                ConnectedAt: now.AddDays(-30),
                LastSyncAt: kind == 5 ? now.AddDays(-3) : now.AddMinutes(-10),
                LastSyncError: kind == 3 ? "The provider answered 503 during the last sync." : null,
                AuthError: kind == 4 ? "The refresh token was revoked; reconnect." : null,
                DisconnectedAt: kind == 6 ? now.AddDays(-1) : null);
        })];
}
