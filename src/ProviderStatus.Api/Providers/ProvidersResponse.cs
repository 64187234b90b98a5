using System.Text.Json.Serialization;

namespace ProviderStatus.Api.Providers;

/// <summary>The body of <c>GET /v1/settings/providers</c>: <c>{"data":{"providers":[…]}}</c>.</summary>
internal sealed record ProvidersResponse(ProvidersData Data);

internal sealed record ProvidersData(IReadOnlyList<ProviderStatusItem> Providers);

/// <summary>One connection of the workspace, with exactly the ten fields of the contract, in its order.</summary>
internal sealed record ProviderStatusItem(
    string Category,
    string Name,
    bool Connected,
    string AccountId,
    string? DisplayName,
    IReadOnlyList<string> Scopes,
    DateTimeOffset ConnectedAt,
    DateTimeOffset? LastSyncAt,
    ConnectionStatus Status,
    string? ErrorMessage);

[JsonConverter(typeof(JsonStringEnumConverter<ConnectionStatus>))]
internal enum ConnectionStatus
{
    [JsonStringEnumMemberName("healthy")]
    Healthy,

    [JsonStringEnumMemberName("degraded")]
    Degraded,

    [JsonStringEnumMemberName("needs_reauth")]
    NeedsReauth,

    [JsonStringEnumMemberName("disconnected")]
    Disconnected,
}
