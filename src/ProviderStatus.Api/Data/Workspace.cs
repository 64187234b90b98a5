using System.Text.RegularExpressions;

namespace ProviderStatus.Api.Data;

/// <summary>A customer workspace: the tenant every connection and API key belongs to.</summary>
internal sealed partial class Workspace
{
    /// <summary>What a workspace id is, for messages.</summary>
    public const string IdRule = "1–64 of a-z, 0-9, '-' and '_', starting with a letter or digit";

    public required string Id { get; init; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public List<ProviderConnection> Connections { get; init; } = [];

    /// <summary>
    /// True when <paramref name="id"/> can name a workspace (<see cref="IdRule"/>). An import refuses
    /// any other id, so no stored workspace has one.
    /// </summary>
    public static bool IsValidId(string? id) => id is not null && IdPattern().IsMatch(id);

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z")]
    private static partial Regex IdPattern();
}
