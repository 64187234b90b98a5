using Microsoft.Extensions.Options;
using ProviderStatus.Api.Caching;
using ProviderStatus.Api.Providers;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.Caching;

public sealed class CacheMechanicsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);
    private readonly TestClock _clock = new();
    private readonly IOptions<CacheOptions> _options = Options.Create(new CacheOptions { MaxStaleness = Bound, MaxEntries = 3 });

    private CacheFreshness Freshness() => new(_clock, _options);

    private static CachedResponse Response(DateTimeOffset filledAt, DateTimeOffset? validUntil = null) =>
        new([1], "\"etag\"", filledAt, validUntil ?? DateTimeOffset.MaxValue);

    [Fact]
    public void An_Entry_Is_Fresh_For_The_Bound_And_Longer_Only_While_The_Feed_Is_Confirmed()
    {
        var freshness = Freshness();
        var filled = _clock.GetUtcNow();

        var atBound = freshness.IsFresh(filled, filled + Bound);
        var pastBound = freshness.IsFresh(filled, filled + Bound + TimeSpan.FromTicks(1));
        freshness.Confirm(filled + TimeSpan.FromSeconds(10));
        var confirmed = freshness.IsFresh(filled, filled + TimeSpan.FromSeconds(14));
        var confirmationTooOld = freshness.IsFresh(filled, filled + TimeSpan.FromSeconds(16));
        freshness.Confirm(filled + TimeSpan.FromSeconds(2));
        var olderConfirmationIgnored = freshness.IsFresh(filled, filled + TimeSpan.FromSeconds(14));
        freshness.Unconfirm();
        var feedDown = freshness.IsFresh(filled, filled + TimeSpan.FromSeconds(14));

        Assert.True(atBound);
        Assert.False(pastBound);
        Assert.True(confirmed);
        Assert.False(confirmationTooOld);
        Assert.True(olderConfirmationIgnored);
        Assert.False(feedDown);
    }

    [Fact]
    public void A_Response_Read_Before_An_Eviction_Is_Never_Served()
    {
        var cache = new ResponseCache(Freshness(), _options);
        var now = _clock.GetUtcNow();

        var slot = cache.SlotFor("acme");
        cache.Evict("acme");
        ResponseCache.Store(slot, category: null, Response(now));

        Assert.False(cache.TryGet("acme", null, now, out _));
    }

    [Fact]
    public void A_Response_Is_Served_Per_Category_Until_The_Clock_Changes_It()
    {
        var cache = new ResponseCache(Freshness(), _options);
        var now = _clock.GetUtcNow();
        ResponseCache.Store(cache.SlotFor("acme"), "email", Response(now, validUntil: now + TimeSpan.FromSeconds(1)));

        Assert.True(cache.TryGet("acme", "email", now + TimeSpan.FromSeconds(1), out _));
        Assert.False(cache.TryGet("acme", "email", now + TimeSpan.FromSeconds(2), out _));
        Assert.False(cache.TryGet("acme", null, now, out _));
        Assert.False(cache.TryGet("acme", "storage", now, out _));
    }

    [Fact]
    public void Past_Its_Size_The_Response_Cache_Starts_Over()
    {
        var cache = new ResponseCache(Freshness(), _options);
        var now = _clock.GetUtcNow();
        foreach (var workspace in new[] { "a", "b", "c" })
        {
            ResponseCache.Store(cache.SlotFor(workspace), null, Response(now));
        }

        ResponseCache.Store(cache.SlotFor("d"), null, Response(now));

        Assert.False(cache.TryGet("a", null, now, out _));
        Assert.True(cache.TryGet("d", null, now, out _));
    }

    [Fact]
    public void Past_Its_Size_The_Key_Cache_Starts_Over_But_Refreshing_A_Key_Does_Not_Count()
    {
        var cache = new KeyCache(Freshness(), _options);
        var now = _clock.GetUtcNow();
        KeyHash[] keys = [new(1, 0, 0, 0), new(2, 0, 0, 0), new(3, 0, 0, 0), new(4, 0, 0, 0)];
        foreach (var key in keys[..3])
        {
            cache.Store(key, new CachedKey(null, now), cache.Generation);
        }

        for (var refresh = 0; refresh < 5; refresh++)
        {
            cache.Store(keys[0], new CachedKey(null, now), cache.Generation);
        }

        var allThreeKept = keys[..3].All(key => cache.TryGet(key, now, out _));
        cache.Store(keys[3], new CachedKey(null, now), cache.Generation);

        Assert.True(allThreeKept);
        Assert.False(cache.TryGet(keys[1], now, out _));
        Assert.True(cache.TryGet(keys[3], now, out _));
    }

    [Fact]
    public void A_Key_Read_Before_An_Eviction_Is_Not_Stored()
    {
        var cache = new KeyCache(Freshness(), _options);
        var hash = new KeyHash(1, 2, 3, 4);
        var now = _clock.GetUtcNow();

        var generation = cache.Generation;
        cache.Evict(hash);
        cache.Store(hash, new CachedKey(null, now), generation);
        var current = cache.Generation;
        cache.Store(hash, new CachedKey(null, now), current);

        Assert.True(cache.TryGet(hash, now, out _));
        cache.Evict(hash);
        Assert.False(cache.TryGet(hash, now, out _));
    }

    [Fact]
    public void A_Key_Hash_Round_Trips_Through_Its_Notification_Payload()
    {
        var bytes = System.Security.Cryptography.SHA256.HashData("wbk_x"u8);
        var hash = KeyHash.From(bytes);

        // The database's triggers write the payload as encode(key_hash, 'hex').
        Assert.Equal(Convert.ToHexStringLower(bytes), hash.ToString());
        Assert.True(KeyHash.TryParse(hash.ToString(), out var parsed));
        Assert.Equal(hash, parsed);
        Assert.False(KeyHash.TryParse("not-a-hash", out _));
    }

    [Fact]
    public void Only_A_Healthy_Connection_Has_A_Time_When_The_Clock_Changes_Its_Status()
    {
        var now = _clock.GetUtcNow();
        var staleAfter = TimeSpan.FromHours(24);
        var healthy = new ConnectionFacts(now.AddDays(-30), null, now.AddHours(-1), null, null);

        Assert.Equal(now.AddHours(23), ProviderStatusRules.UnchangedUntil(healthy, now, staleAfter));
        Assert.Equal(now.AddHours(-12) + staleAfter, ProviderStatusRules.UnchangedUntil(healthy with { LastSyncAt = null, ConnectedAt = now.AddHours(-12) }, now, staleAfter));
        Assert.Null(ProviderStatusRules.UnchangedUntil(healthy with { LastSyncAt = now.AddHours(-25) }, now, staleAfter));
        Assert.Null(ProviderStatusRules.UnchangedUntil(healthy with { LastSyncError = "x" }, now, staleAfter));
        Assert.Null(ProviderStatusRules.UnchangedUntil(healthy with { AuthError = "x" }, now, staleAfter));
        Assert.Null(ProviderStatusRules.UnchangedUntil(healthy with { DisconnectedAt = now }, now, staleAfter));
    }
}
