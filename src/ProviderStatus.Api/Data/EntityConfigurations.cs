using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace ProviderStatus.Api.Data;

internal sealed class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> builder)
    {
        builder.ToTable("workspaces");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.Id).HasColumnName("id").HasMaxLength(64).ValueGeneratedNever();
        builder.Property(w => w.Name).HasColumnName("name").HasMaxLength(200);
        builder.Property(w => w.CreatedAt).HasColumnName("created_at");
    }
}

internal sealed class ProviderConfiguration : IEntityTypeConfiguration<Provider>
{
    public void Configure(EntityTypeBuilder<Provider> builder)
    {
        builder.ToTable("providers");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(p => p.Category).HasColumnName("category").HasMaxLength(16);
        builder.Property(p => p.Name).HasColumnName("name").HasMaxLength(32);
        builder.Property(p => p.DisplayName).HasColumnName("display_name").HasMaxLength(64);
        builder.HasIndex(p => new { p.Category, p.Name }).IsUnique();
        builder.HasData(ProviderCatalog.Entries);
    }
}

internal sealed class ProviderConnectionConfiguration : IEntityTypeConfiguration<ProviderConnection>
{
    public void Configure(EntityTypeBuilder<ProviderConnection> builder)
    {
        builder.ToTable("connections");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(c => c.WorkspaceId).HasColumnName("workspace_id").HasMaxLength(64);
        builder.Property(c => c.ProviderId).HasColumnName("provider_id");
        builder.Property(c => c.AccountId).HasColumnName("account_id").HasMaxLength(255);
        builder.Property(c => c.DisplayName).HasColumnName("display_name").HasMaxLength(255);
        builder.Property(c => c.Scopes).HasColumnName("scopes");
        builder.Property(c => c.ConnectedAt).HasColumnName("connected_at");
        builder.Property(c => c.DisconnectedAt).HasColumnName("disconnected_at");
        builder.Property(c => c.LastSyncAt).HasColumnName("last_sync_at");
        builder.Property(c => c.LastSyncError).HasColumnName("last_sync_error");
        builder.Property(c => c.AuthError).HasColumnName("auth_error");
        builder.Property(c => c.CreatedAt).HasColumnName("created_at");
        builder.Property(c => c.UpdatedAt).HasColumnName("updated_at");

        builder.HasOne<Workspace>().WithMany(w => w.Connections)
            .HasForeignKey(c => c.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(c => c.Provider).WithMany()
            .HasForeignKey(c => c.ProviderId).OnDelete(DeleteBehavior.Restrict);

        // The endpoint reads all connections of one workspace: this index serves that lookup
        // (workspace_id is its leading column) and makes (workspace, provider, account) unique.
        builder.HasIndex(c => new { c.WorkspaceId, c.ProviderId, c.AccountId }).IsUnique();
        builder.HasIndex(c => c.ProviderId);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).HasColumnName("id").ValueGeneratedNever();
        builder.Property(k => k.WorkspaceId).HasColumnName("workspace_id").HasMaxLength(64);
        builder.Property(k => k.Name).HasColumnName("name").HasMaxLength(ApiKey.MaxNameLength);
        builder.Property(k => k.KeyHash).HasColumnName("key_hash");
        builder.Property(k => k.LastFour).HasColumnName("last_four").HasMaxLength(4);
        builder.Property(k => k.Permissions).HasColumnName("permissions");
        builder.Property(k => k.CreatedAt).HasColumnName("created_at");
        builder.Property(k => k.ExpiresAt).HasColumnName("expires_at");
        builder.Property(k => k.RevokedAt).HasColumnName("revoked_at");
        builder.Property(k => k.LastUsedAt).HasColumnName("last_used_at");

        builder.HasOne<Workspace>().WithMany()
            .HasForeignKey(k => k.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.WorkspaceId);
    }
}
