namespace ProviderStatus.Api.Data;

/// <summary>
/// One account of a provider connected to a workspace, as last reported by the sync system.
/// Identified by workspace, provider and <see cref="AccountId"/>.
/// </summary>
internal sealed class ProviderConnection
{
    public Guid Id { get; init; }

    public required string WorkspaceId { get; init; }

    public int ProviderId { get; init; }

    public Provider Provider { get; init; } = null!;

    public required string AccountId { get; init; }

    public string? DisplayName { get; set; }

    /// <summary>Granted OAuth scopes, space-separated as in OAuth itself (a scope never contains a space).</summary>
    public string Scopes { get; set; } = "";

    public DateTimeOffset ConnectedAt { get; set; }

    public DateTimeOffset? DisconnectedAt { get; set; }

    /// <summary>Time of the last successful sync.</summary>
    public DateTimeOffset? LastSyncAt { get; set; }

    /// <summary>Error of the latest sync attempt when that attempt failed; null when it succeeded.</summary>
    public string? LastSyncError { get; set; }

    /// <summary>The latest authentication error (revoked or expired grant); null while the grant works.</summary>
    public string? AuthError { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
