using Microsoft.EntityFrameworkCore;

namespace ProviderStatus.Api.Data;

/// <summary>
/// The service's database: PostgreSQL in production, embedded SQLite by default. Both are created by
/// the same migrations, which is why no configuration here names a provider-specific column type.
/// </summary>
internal sealed class ProviderStatusDbContext(DbContextOptions<ProviderStatusDbContext> options) : DbContext(options)
{
    public DbSet<Workspace> Workspaces => Set<Workspace>();

    public DbSet<Provider> Providers => Set<Provider>();

    public DbSet<ProviderConnection> Connections => Set<ProviderConnection>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ProviderStatusDbContext).Assembly);
}
