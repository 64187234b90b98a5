using ProviderStatus.Api.Providers;

namespace ProviderStatus.Api.Data;

/// <summary>
/// The providers a connection can be made to. The model seeds these rows; adding one here without a
/// migration that inserts it makes the schema test fail, so the two cannot drift apart.
/// </summary>
internal static class ProviderCatalog
{
    public static IReadOnlyList<Provider> Entries { get; } =
    [
        new() { Id = 1, Category = ProviderCategories.Email, Name = "gmail", DisplayName = "Gmail" },
        new() { Id = 2, Category = ProviderCategories.Email, Name = "microsoft", DisplayName = "Microsoft 365 Mail" },
        new() { Id = 3, Category = ProviderCategories.Calendar, Name = "google", DisplayName = "Google Calendar" },
        new() { Id = 4, Category = ProviderCategories.Calendar, Name = "microsoft", DisplayName = "Microsoft 365 Calendar" },
        new() { Id = 5, Category = ProviderCategories.Channels, Name = "slack", DisplayName = "Slack" },
        new() { Id = 6, Category = ProviderCategories.Channels, Name = "microsoft_teams", DisplayName = "Microsoft Teams" },
        new() { Id = 7, Category = ProviderCategories.Identity, Name = "google", DisplayName = "Google Workspace" },
        new() { Id = 8, Category = ProviderCategories.Identity, Name = "microsoft", DisplayName = "Microsoft Entra ID" },
        new() { Id = 9, Category = ProviderCategories.Identity, Name = "okta", DisplayName = "Okta" },
        new() { Id = 10, Category = ProviderCategories.Storage, Name = "google_drive", DisplayName = "Google Drive" },
        new() { Id = 11, Category = ProviderCategories.Storage, Name = "onedrive", DisplayName = "OneDrive" },
        new() { Id = 12, Category = ProviderCategories.Storage, Name = "dropbox", DisplayName = "Dropbox" },
        new() { Id = 13, Category = ProviderCategories.Billing, Name = "stripe", DisplayName = "Stripe" },
    ];

    public static Provider? Find(string category, string name) =>
        Entries.FirstOrDefault(p => p.Category == category && p.Name == name);
}
