namespace ProviderStatus.Api.Import;

/// <summary>A validated import file: every value checked, every provider resolved to the catalog.</summary>
internal sealed record ImportDocument(IReadOnlyList<WorkspaceImport> Workspaces);

internal sealed record WorkspaceImport(string Id, string Name, IReadOnlyList<ConnectionImport> Connections);

internal sealed record ConnectionImport(
    int ProviderId,
    string AccountId,
    string? DisplayName,
    IReadOnlyList<string> Scopes,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastSyncAt,
    string? LastSyncError,
    string? AuthError,
    DateTimeOffset? DisconnectedAt);
