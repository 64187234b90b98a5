namespace ProviderStatus.Api.Data;

/// <summary>An API key of a workspace. The secret itself is never stored: only its SHA-256 hash.</summary>
internal sealed class ApiKey
{
    public const int MaxNameLength = 100;

    public Guid Id { get; init; }

    public required string WorkspaceId { get; init; }

    public string? Name { get; init; }

    public required byte[] KeyHash { get; init; }

    /// <summary>The key's last four characters, so people can tell their keys apart.</summary>
    public required string LastFour { get; init; }

    /// <summary>Granted permissions, space-separated.</summary>
    public required string Permissions { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}
