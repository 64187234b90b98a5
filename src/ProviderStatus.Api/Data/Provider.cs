namespace ProviderStatus.Api.Data;

/// <summary>An entry of the provider catalog, such as email/gmail. Rows are seeded by migrations.</summary>
internal sealed class Provider
{
    public int Id { get; init; }

    public required string Category { get; init; }

    public required string Name { get; init; }

    public required string DisplayName { get; init; }
}
