using System.Threading.RateLimiting;
using ProviderStatus.Api.RateLimiting;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.RateLimiting;

public sealed class AlignedWindowRateLimiterTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 4, 18, 12, 0, 30, TimeSpan.Zero));

    private static RateLimitWindow Window(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitWindow.MetadataName, out var window) ? window : throw new Xunit.Sdk.XunitException("no window metadata");

    [Fact]
    public void Permits_Count_Down_Within_A_Window_Aligned_To_The_Epoch()
    {
        using var limiter = new AlignedWindowRateLimiter(permitLimit: 2, windowSeconds: 60, _clock);
        var windowEnd = new DateTimeOffset(2026, 4, 18, 12, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        using var first = limiter.AttemptAcquire();
        using var second = limiter.AttemptAcquire();
        using var third = limiter.AttemptAcquire();

        Assert.True(first.IsAcquired);
        Assert.True(second.IsAcquired);
        Assert.False(third.IsAcquired);
        Assert.Equal(new RateLimitWindow(2, 1, windowEnd, 0), Window(first));
        Assert.Equal(new RateLimitWindow(2, 0, windowEnd, 0), Window(second));
        Assert.Equal(new RateLimitWindow(2, 0, windowEnd, 30), Window(third));
        Assert.True(third.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(30), retryAfter);
    }

    [Fact]
    public void A_New_Window_Starts_With_All_Permits()
    {
        using var limiter = new AlignedWindowRateLimiter(permitLimit: 1, windowSeconds: 60, _clock);
        limiter.AttemptAcquire().Dispose();

        _clock.Advance(TimeSpan.FromSeconds(29));
        using var late = limiter.AttemptAcquire();
        _clock.Advance(TimeSpan.FromSeconds(1));
        using var next = limiter.AttemptAcquire();

        Assert.False(late.IsAcquired);
        Assert.True(next.IsAcquired);
        Assert.Equal(0, Window(next).Remaining);
    }

    [Fact]
    public void A_Partition_Is_Idle_Only_After_Its_Window_Ended()
    {
        using var limiter = new AlignedWindowRateLimiter(permitLimit: 5, windowSeconds: 60, _clock);
        limiter.AttemptAcquire().Dispose();

        var during = limiter.IdleDuration;
        _clock.Advance(TimeSpan.FromSeconds(45));
        var after = limiter.IdleDuration;

        Assert.Null(during);
        Assert.Equal(TimeSpan.FromSeconds(15), after);
        Assert.Equal(5, limiter.GetStatistics()!.CurrentAvailablePermits);
    }
}
