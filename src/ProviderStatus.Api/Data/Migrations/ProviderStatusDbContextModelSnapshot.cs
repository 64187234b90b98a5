using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ProviderStatus.Api.Data.Migrations;

/// <summary>
/// The model as of the latest migration, written by hand like the migrations and, like them, free of
/// store types. EF compares it with the live model: the schema test fails when they differ, which is
/// the signal that a model change needs a new migration (and this snapshot updated with it).
/// </summary>
[DbContext(typeof(ProviderStatusDbContext))]
internal sealed class ProviderStatusDbContextModelSnapshot : ModelSnapshot
{
    protected override void BuildModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity("ProviderStatus.Api.Data.ApiKey", b =>
        {
            b.Property<Guid>("Id").HasColumnName("id");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnName("created_at");
            b.Property<DateTimeOffset?>("ExpiresAt").HasColumnName("expires_at");
            b.Property<byte[]>("KeyHash").IsRequired().HasColumnName("key_hash");
            b.Property<string>("LastFour").IsRequired().HasMaxLength(4).HasColumnName("last_four");
            b.Property<DateTimeOffset?>("LastUsedAt").HasColumnName("last_used_at");
            b.Property<string>("Name").HasMaxLength(100).HasColumnName("name");
            b.Property<string>("Permissions").IsRequired().HasColumnName("permissions");
            b.Property<DateTimeOffset?>("RevokedAt").HasColumnName("revoked_at");
            b.Property<string>("WorkspaceId").IsRequired().HasMaxLength(64).HasColumnName("workspace_id");
            b.HasKey("Id");
            b.HasIndex("KeyHash").IsUnique();
            b.HasIndex("WorkspaceId");
            b.ToTable("api_keys");
        });

        modelBuilder.Entity("ProviderStatus.Api.Data.Provider", b =>
        {
            b.Property<int>("Id").HasColumnName("id");
            b.Property<string>("Category").IsRequired().HasMaxLength(16).HasColumnName("category");
            b.Property<string>("DisplayName").IsRequired().HasMaxLength(64).HasColumnName("display_name");
            b.Property<string>("Name").IsRequired().HasMaxLength(32).HasColumnName("name");
            b.HasKey("Id");
            b.HasIndex("Category", "Name").IsUnique();
            b.ToTable("providers");
            b.HasData(
                new { Id = 1, Category = "email", DisplayName = "Gmail", Name = "gmail" },
                new { Id = 2, Category = "email", DisplayName = "Microsoft 365 Mail", Name = "microsoft" },
                new { Id = 3, Category = "calendar", DisplayName = "Google Calendar", Name = "google" },
                new { Id = 4, Category = "calendar", DisplayName = "Microsoft 365 Calendar", Name = "microsoft" },
                new { Id = 5, Category = "channels", DisplayName = "Slack", Name = "slack" },
                new { Id = 6, Category = "channels", DisplayName = "Microsoft Teams", Name = "microsoft_teams" },
                new { Id = 7, Category = "identity", DisplayName = "Google Workspace", Name = "google" },
                new { Id = 8, Category = "identity", DisplayName = "Microsoft Entra ID", Name = "microsoft" },
                new { Id = 9, Category = "identity", DisplayName = "Okta", Name = "okta" },
                new { Id = 10, Category = "storage", DisplayName = "Google Drive", Name = "google_drive" },
                new { Id = 11, Category = "storage", DisplayName = "OneDrive", Name = "onedrive" },
                new { Id = 12, Category = "storage", DisplayName = "Dropbox", Name = "dropbox" },
                new { Id = 13, Category = "billing", DisplayName = "Stripe", Name = "stripe" });
        });

        modelBuilder.Entity("ProviderStatus.Api.Data.ProviderConnection", b =>
        {
            b.Property<Guid>("Id").HasColumnName("id");
            b.Property<string>("AccountId").IsRequired().HasMaxLength(255).HasColumnName("account_id");
            b.Property<string>("AuthError").HasColumnName("auth_error");
            b.Property<DateTimeOffset>("ConnectedAt").HasColumnName("connected_at");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnName("created_at");
            b.Property<DateTimeOffset?>("DisconnectedAt").HasColumnName("disconnected_at");
            b.Property<string>("DisplayName").HasMaxLength(255).HasColumnName("display_name");
            b.Property<DateTimeOffset?>("LastSyncAt").HasColumnName("last_sync_at");
            b.Property<string>("LastSyncError").HasColumnName("last_sync_error");
            b.Property<int>("ProviderId").HasColumnName("provider_id");
            b.Property<string>("Scopes").IsRequired().HasColumnName("scopes");
            b.Property<DateTimeOffset>("UpdatedAt").HasColumnName("updated_at");
            b.Property<string>("WorkspaceId").IsRequired().HasMaxLength(64).HasColumnName("workspace_id");
            b.HasKey("Id");
            b.HasIndex("ProviderId");
            b.HasIndex("WorkspaceId", "ProviderId", "AccountId").IsUnique();
            b.ToTable("connections");
        });

        modelBuilder.Entity("ProviderStatus.Api.Data.Workspace", b =>
        {
            b.Property<string>("Id").HasMaxLength(64).HasColumnName("id");
            b.Property<DateTimeOffset>("CreatedAt").HasColumnName("created_at");
            b.Property<string>("Name").IsRequired().HasMaxLength(200).HasColumnName("name");
            b.HasKey("Id");
            b.ToTable("workspaces");
        });

        modelBuilder.Entity("ProviderStatus.Api.Data.ApiKey", b =>
            b.HasOne("ProviderStatus.Api.Data.Workspace", null)
                .WithMany()
                .HasForeignKey("WorkspaceId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired());

        modelBuilder.Entity("ProviderStatus.Api.Data.ProviderConnection", b =>
        {
            b.HasOne("ProviderStatus.Api.Data.Provider", "Provider")
                .WithMany()
                .HasForeignKey("ProviderId")
                .OnDelete(DeleteBehavior.Restrict)
                .IsRequired();
            b.HasOne("ProviderStatus.Api.Data.Workspace", null)
                .WithMany("Connections")
                .HasForeignKey("WorkspaceId")
                .OnDelete(DeleteBehavior.Cascade)
                .IsRequired();
            b.Navigation("Provider");
        });

        modelBuilder.Entity("ProviderStatus.Api.Data.Workspace", b => b.Navigation("Connections"));
    }
}
