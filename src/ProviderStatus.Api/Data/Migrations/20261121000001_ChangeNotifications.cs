using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ProviderStatus.Api.Data.Migrations;

/// <summary>
/// On PostgreSQL, every committed change to a workspace's connections or to a key announces itself on
/// the <c>providerstatus_changes</c> channel, whoever makes it (the CLI, another instance, an
/// operator's SQL), so that every instance evicts what it cached at once. Triggers notify inside the
/// writing transaction: PostgreSQL delivers the notification only if, and when, it commits, and
/// collapses identical ones, so an import of many rows sends one per workspace. A key announces
/// changes to what decides whether it is accepted, not the batched <c>last_used_at</c> writes.
/// SQLite has no such channel; there the caches' time bound (<c>Cache:MaxStaleness</c>) holds.
/// </summary>
[DbContext(typeof(ProviderStatusDbContext))]
[Migration("20261121000001_ChangeNotifications")]
internal sealed class ChangeNotifications : Migration
{
    private const string PostgresProvider = "Npgsql.EntityFrameworkCore.PostgreSQL";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != PostgresProvider)
        {
            return;
        }

        // The payloads are the ones ChangeFeed reads: "w:<workspace id>" and "k:<SHA-256 of the key, hex>".
        migrationBuilder.Sql("""
            CREATE FUNCTION providerstatus_announce_connection_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    PERFORM pg_notify('providerstatus_changes', 'w:' || OLD.workspace_id);
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    PERFORM pg_notify('providerstatus_changes', 'w:' || NEW.workspace_id);
                END IF;
                RETURN NULL;
            END $$;

            CREATE FUNCTION providerstatus_announce_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' THEN
                    PERFORM pg_notify('providerstatus_changes', 'k:' || encode(OLD.key_hash, 'hex'));
                END IF;
                IF TG_OP <> 'DELETE' THEN
                    PERFORM pg_notify('providerstatus_changes', 'k:' || encode(NEW.key_hash, 'hex'));
                END IF;
                RETURN NULL;
            END $$;

            CREATE TRIGGER connections_announce_change
                AFTER INSERT OR UPDATE OR DELETE ON connections
                FOR EACH ROW EXECUTE FUNCTION providerstatus_announce_connection_change();

            CREATE TRIGGER api_keys_announce_change
                AFTER INSERT OR DELETE OR UPDATE OF key_hash, workspace_id, permissions, expires_at, revoked_at ON api_keys
                FOR EACH ROW EXECUTE FUNCTION providerstatus_announce_key_change();
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider != PostgresProvider)
        {
            return;
        }

        migrationBuilder.Sql("""
            DROP TRIGGER api_keys_announce_change ON api_keys;
            DROP TRIGGER connections_announce_change ON connections;
            DROP FUNCTION providerstatus_announce_key_change();
            DROP FUNCTION providerstatus_announce_connection_change();
            """);
    }
}
