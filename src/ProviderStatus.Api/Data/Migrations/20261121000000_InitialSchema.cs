using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ProviderStatus.Api.Data.Migrations;

/// <summary>
/// The initial schema. Written by hand (the EF design-time tools are not installable here) and kept
/// provider-neutral: columns name their CLR type, not a store type, so PostgreSQL and SQLite each map
/// them with their own type mapping. The catalog rows are literal: a migration is history, so it must
/// not change when <see cref="ProviderCatalog"/> does.
/// </summary>
[DbContext(typeof(ProviderStatusDbContext))]
[Migration("20261121000000_InitialSchema")]
internal sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "providers",
            columns: table => new
            {
                id = table.Column<int>(nullable: false),
                category = table.Column<string>(maxLength: 16, nullable: false),
                name = table.Column<string>(maxLength: 32, nullable: false),
                display_name = table.Column<string>(maxLength: 64, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_providers", x => x.id));

        migrationBuilder.CreateTable(
            name: "workspaces",
            columns: table => new
            {
                id = table.Column<string>(maxLength: 64, nullable: false),
                name = table.Column<string>(maxLength: 200, nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_workspaces", x => x.id));

        migrationBuilder.CreateTable(
            name: "api_keys",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                workspace_id = table.Column<string>(maxLength: 64, nullable: false),
                name = table.Column<string>(maxLength: 100, nullable: true),
                key_hash = table.Column<byte[]>(nullable: false),
                last_four = table.Column<string>(maxLength: 4, nullable: false),
                permissions = table.Column<string>(nullable: false),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                expires_at = table.Column<DateTimeOffset>(nullable: true),
                revoked_at = table.Column<DateTimeOffset>(nullable: true),
                last_used_at = table.Column<DateTimeOffset>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_api_keys", x => x.id);
                table.ForeignKey(
                    name: "FK_api_keys_workspaces_workspace_id",
                    column: x => x.workspace_id,
                    principalTable: "workspaces",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "connections",
            columns: table => new
            {
                id = table.Column<Guid>(nullable: false),
                workspace_id = table.Column<string>(maxLength: 64, nullable: false),
                provider_id = table.Column<int>(nullable: false),
                account_id = table.Column<string>(maxLength: 255, nullable: false),
                display_name = table.Column<string>(maxLength: 255, nullable: true),
                scopes = table.Column<string>(nullable: false),
                connected_at = table.Column<DateTimeOffset>(nullable: false),
                disconnected_at = table.Column<DateTimeOffset>(nullable: true),
                last_sync_at = table.Column<DateTimeOffset>(nullable: true),
                last_sync_error = table.Column<string>(nullable: true),
                auth_error = table.Column<string>(nullable: true),
                created_at = table.Column<DateTimeOffset>(nullable: false),
                updated_at = table.Column<DateTimeOffset>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_connections", x => x.id);
                table.ForeignKey(
                    name: "FK_connections_providers_provider_id",
                    column: x => x.provider_id,
                    principalTable: "providers",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Restrict);
                table.ForeignKey(
                    name: "FK_connections_workspaces_workspace_id",
                    column: x => x.workspace_id,
                    principalTable: "workspaces",
                    principalColumn: "id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.InsertData(
            table: "providers",
            columns: ["id", "category", "name", "display_name"],
            // A data operation needs store types to write its literals; these two mean the same on
            // PostgreSQL and SQLite.
            columnTypes: ["integer", "text", "text", "text"],
            values: new object[,]
            {
                { 1, "email", "gmail", "Gmail" },
                { 2, "email", "microsoft", "Microsoft 365 Mail" },
                { 3, "calendar", "google", "Google Calendar" },
                { 4, "calendar", "microsoft", "Microsoft 365 Calendar" },
                { 5, "channels", "slack", "Slack" },
                { 6, "channels", "microsoft_teams", "Microsoft Teams" },
                { 7, "identity", "google", "Google Workspace" },
                { 8, "identity", "microsoft", "Microsoft Entra ID" },
                { 9, "identity", "okta", "Okta" },
                { 10, "storage", "google_drive", "Google Drive" },
                { 11, "storage", "onedrive", "OneDrive" },
                { 12, "storage", "dropbox", "Dropbox" },
                { 13, "billing", "stripe", "Stripe" },
            });

        migrationBuilder.CreateIndex(
            name: "IX_api_keys_key_hash",
            table: "api_keys",
            column: "key_hash",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_api_keys_workspace_id",
            table: "api_keys",
            column: "workspace_id");

        migrationBuilder.CreateIndex(
            name: "IX_connections_provider_id",
            table: "connections",
            column: "provider_id");

        migrationBuilder.CreateIndex(
            name: "IX_connections_workspace_id_provider_id_account_id",
            table: "connections",
            columns: ["workspace_id", "provider_id", "account_id"],
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_providers_category_name",
            table: "providers",
            columns: ["category", "name"],
            unique: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "api_keys");
        migrationBuilder.DropTable(name: "connections");
        migrationBuilder.DropTable(name: "workspaces");
        migrationBuilder.DropTable(name: "providers");
    }
}
