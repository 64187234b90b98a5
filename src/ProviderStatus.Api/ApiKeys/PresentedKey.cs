using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Net.Http.Headers;
using ProviderStatus.Api.Authentication;
using ProviderStatus.Api.Caching;

namespace ProviderStatus.Api.ApiKeys;

/// <summary>
/// An API key as a request presented it, checked once: its SHA-256 when it is well-formed (the only
/// form in which keys are looked up), nothing when it is not, so that it is refused without a lookup.
/// </summary>
internal sealed class PresentedKey
{
    private PresentedKey(string authorization, byte[]? hash)
    {
        Authorization = authorization;
        Hash = hash;
        CacheKey = hash is null ? default : KeyHash.From(hash);
    }

    /// <summary>The <c>Authorization</c> header value the key was read from.</summary>
    public string Authorization { get; }

    /// <summary>The key's SHA-256; null when the key is malformed.</summary>
    public byte[]? Hash { get; }

    /// <summary><see cref="Hash"/> as the key cache's key.</summary>
    public KeyHash CacheKey { get; }

    /// <summary>
    /// The API key of <c>Authorization: Bearer wbk_…</c>, or null when the request carries none (no
    /// header, another scheme, a JWT). A connection checks and hashes a key once and keeps the result
    /// (see <see cref="ConnectionMemo"/>).
    /// </summary>
    public static PresentedKey? Read(HttpContext context)
    {
        var values = context.Request.Headers[HeaderNames.Authorization];
        if (values.Count != 1 || values[0] is not { } authorization)
        {
            return null;
        }

        var memo = ConnectionMemo.Of(context);
        if (memo?.Last is { } last && ReferenceEquals(last.Authorization, authorization))
        {
            return last;
        }

        if (BearerToken.Read(context.Request).Token is not { } token || !token.StartsWith(ApiKeyFormat.Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var presented = new PresentedKey(authorization, ApiKeyFormat.IsWellFormed(token) ? ApiKeyFormat.Hash(token) : null);
        memo?.Last = presented;
        return presented;
    }

    /// <summary>
    /// What a connection last presented. Kestrel gives a keep-alive connection the same string instance
    /// for a request header that repeats byte for byte, so a caller polling with one key presents the
    /// same <c>Authorization</c> string on every request, and a reference comparison tells that nothing
    /// changed: the key is checked and hashed once per connection rather than once per request. Only
    /// the connection holds the memo, and only while it is open; it keeps nothing of the key that
    /// Kestrel does not keep itself. A server without connection items (the test server) has no memo.
    /// </summary>
    private sealed class ConnectionMemo
    {
        private static readonly object ItemKey = new();

        private volatile PresentedKey? _last;

        public PresentedKey? Last
        {
            get => _last;
            set => _last = value;
        }

        /// <remarks>HTTP/2 streams of one connection share its items, hence the lock around the first use.</remarks>
        public static ConnectionMemo? Of(HttpContext context)
        {
            if (context.Features.Get<IConnectionItemsFeature>()?.Items is not { } items)
            {
                return null;
            }

            lock (items)
            {
                if (items.TryGetValue(ItemKey, out var existing) && existing is ConnectionMemo memo)
                {
                    return memo;
                }

                var created = new ConnectionMemo();
                items[ItemKey] = created;
                return created;
            }
        }
    }
}
