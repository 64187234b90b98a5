using ProviderStatus.Api.ApiKeys;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Data;
using ProviderStatus.Api.Import;
using ProviderStatus.Api.Providers;

namespace ProviderStatus.Api.Cli;

/// <summary>
/// Creates (or refreshes) the <c>demo</c> workspace with connections in every status, timed relative
/// to now, and prints a new key for it. Runs through the same importer as <c>import</c>.
/// </summary>
internal static class SeedDemoCommand
{
    public const string WorkspaceId = "demo";

    public static async Task<int> RunAsync(CommandContext context, CommandArguments arguments)
    {
        arguments.EnsureNoneLeft();
        var clock = context.Get<TimeProvider>().GetUtcNow();
        var now = clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerSecond));
        var document = new ImportDocument([new WorkspaceImport(WorkspaceId, "Demo Workspace", DemoConnections(now))]);
        await context.Get<ConnectionImporter>().ImportAsync(document, context.CancellationToken);

        var key = await context.Get<ApiKeyService>().CreateAsync(
            WorkspaceId, "seed-demo", [Permissions.ReadSettings], expiresAt: null, context.CancellationToken);
        await context.Out.WriteLineAsync(key.Secret);
        await context.Error.WriteLineAsync(
            $"Workspace '{WorkspaceId}' is ready with {document.Workspaces[0].Connections.Count} connections: " +
            "3 healthy, 2 degraded (a failed sync, a stale one), 1 needs_reauth, 1 disconnected. " +
            $"A new API key for it (id {key.Record.Id}) is on standard output; it is shown only this once.");
        return CommandLine.Success;
    }

    private static List<ConnectionImport> DemoConnections(DateTimeOffset now) =>
    [
        Connection(ProviderCategories.Email, "gmail", "team@demo.example", "Team Mailbox", ["gmail.readonly", "gmail.send"],
            connected: now.AddDays(-90), lastSync: now.AddMinutes(-5)),
        Connection(ProviderCategories.Calendar, "google", "team@demo.example", "Team Calendar", ["calendar.readonly"],
            connected: now.AddDays(-90), lastSync: now.AddMinutes(-5)),
        Connection(ProviderCategories.Channels, "slack", "T0DEMO0001", "Demo Eng", ["chat:write", "channels:history"],
            connected: now.AddDays(-60), lastSync: now.AddHours(-3),
            syncError: "Slack answered 'ratelimited' while reading channel history; the next sync retries automatically."),
        Connection(ProviderCategories.Identity, "okta", "demo.okta.com", "Demo Okta", ["okta.users.read"],
            connected: now.AddDays(-120), lastSync: now.AddDays(-2),
            authError: "The refresh token was revoked in Okta; an admin must reconnect Okta."),
        Connection(ProviderCategories.Storage, "dropbox", "dbid:AAD-demo", "Design Files", ["files.metadata.read"],
            connected: now.AddDays(-200), lastSync: now.AddDays(-15), disconnected: now.AddDays(-14)),
        Connection(ProviderCategories.Storage, "google_drive", "drive@demo.example", "Shared Drive", ["drive.readonly"],
            connected: now.AddDays(-30), lastSync: now.AddDays(-3)),
        Connection(ProviderCategories.Billing, "stripe", "acct_1DemoStripe000", "Demo Billing", ["read_only"],
            connected: now.AddDays(-45), lastSync: now.AddMinutes(-20)),
    ];

    private static ConnectionImport Connection(
        string category, string name, string accountId, string displayName, string[] scopes, DateTimeOffset connected,
        DateTimeOffset? lastSync, string? syncError = null, string? authError = null, DateTimeOffset? disconnected = null) =>
        new(ProviderCatalog.Find(category, name)!.Id, accountId, displayName, scopes, connected, lastSync, syncError, authError, disconnected);
}
