using System.Buffers.Text;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Data;

namespace ProviderStatus.Api.Providers;

/// <summary>
/// The endpoint's answer for a workspace and category, as bytes with a strong ETag: from the response
/// cache when it holds a fresh one, otherwise read from the database, serialized once and cached.
/// A cached answer is only served while the clock has not changed any status in it.
/// </summary>
internal sealed class ProviderResponses(
    ProviderRepository repository,
    ResponseCache cache,
    IOptions<CacheOptions> cacheOptions,
    IOptions<StatusOptions> statusOptions,
    IOptions<JsonOptions> jsonOptions,
    TimeProvider clock)
{
    public async ValueTask<CachedResponse> GetAsync(string workspaceId, string? category, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (!cacheOptions.Value.Responses)
        {
            return await ReadAsync(workspaceId, category, now, cancellationToken);
        }

        if (cache.TryGet(workspaceId, category, now, out var cached))
        {
            return cached;
        }

        // Taken before the read: if the workspace changes meanwhile, this slot is dropped with the
        // stale answer in it.
        var slot = cache.SlotFor(workspaceId);
        var response = await ReadAsync(workspaceId, category, now, cancellationToken);
        ResponseCache.Store(slot, category, response);
        return response;
    }

    /// <summary>The answer from the response cache alone: false when only the database can give it.</summary>
    public bool TryGetCached(string workspaceId, string? category, [NotNullWhen(true)] out CachedResponse? response)
    {
        response = null;
        return cacheOptions.Value.Responses && cache.TryGet(workspaceId, category, clock.GetUtcNow(), out response);
    }

    private async Task<CachedResponse> ReadAsync(string workspaceId, string? category, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var rows = await repository.ListAsync(workspaceId, category, cancellationToken);
        var staleAfter = statusOptions.Value.StaleAfter;
        var validUntil = DateTimeOffset.MaxValue;
        var providers = new List<ProviderStatusItem>(rows.Count);
        foreach (var row in rows)
        {
            var health = ProviderStatusRules.Evaluate(row.Facts, now, staleAfter);
            providers.Add(new ProviderStatusItem(
                row.Category, row.Name, health.Connected, row.AccountId, row.DisplayName, Scopes.Split(row.Scopes),
                row.Facts.ConnectedAt, row.Facts.LastSyncAt, health.Status, health.ErrorMessage));
            if (ProviderStatusRules.UnchangedUntil(row.Facts, now, staleAfter) is { } until && until < validUntil)
            {
                validUntil = until;
            }
        }

        var typeInfo = (JsonTypeInfo<ProvidersResponse>)jsonOptions.Value.SerializerOptions.GetTypeInfo(typeof(ProvidersResponse));
        var body = JsonSerializer.SerializeToUtf8Bytes(new ProvidersResponse(new ProvidersData(providers)), typeInfo);
        return new CachedResponse(body, StrongETag(body), now, validUntil);
    }

    /// <summary>An ETag that changes exactly when the bytes do.</summary>
    private static string StrongETag(byte[] body) => $"\"{Base64Url.EncodeToString(SHA256.HashData(body).AsSpan(0, 16))}\"";
}
