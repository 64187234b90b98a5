namespace ProviderStatus.Api.Data;

/// <summary>A customer workspace: the tenant every connection and API key belongs to.</summary>
internal sealed class Workspace
{
    public required string Id { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<ProviderConnection> Connections { get; init; } = [];
}
