using System.Threading.RateLimiting;
using ProviderStatus.Api.RateLimiting;
using ProviderStatus.Tests.Infrastructure;

namespace ProviderStatus.Tests.RateLimiting;

public sealed class AlignedWindowRateLimiterTests
{
    private readonly TestClock _clock = new(new DateTimeOffset(2026, 4, 18, 12, 0, 30, TimeSpan.Zero));

    private static RateLimitWindow Window(RateLimitLease lease) =>
        lease.TryGetMetadata(RateLimitWindow.MetadataName, out var window) ? window : throw new Xunit.Sdk.XunitException("no window metadata");

    /// <summary>The partition is the resource itself.</summary>
    private AlignedWindowRateLimiter<string> Limiter(int permitLimit) => new(partition => partition, permitLimit, windowSeconds: 60, _clock);

    [Fact]
    public void Permits_Count_Down_Within_A_Window_Aligned_To_The_Epoch()
    {
        using var limiter = Limiter(permitLimit: 2);
        var windowEnd = new DateTimeOffset(2026, 4, 18, 12, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        using var first = limiter.AttemptAcquire("a");
        using var second = limiter.AttemptAcquire("a");
        using var third = limiter.AttemptAcquire("a");

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
    public void TryAcquire_Counts_In_The_Same_Windows_As_Leases_Do()
    {
        using var limiter = Limiter(permitLimit: 2);
        var windowEnd = new DateTimeOffset(2026, 4, 18, 12, 1, 0, TimeSpan.Zero).ToUnixTimeSeconds();

        using var lease = limiter.AttemptAcquire("a");
        Assert.True(limiter.TryAcquire("a", out var second));
        Assert.False(limiter.TryAcquire("a", out var third));
        using var refused = limiter.AttemptAcquire("a");

        Assert.Equal(new RateLimitWindow(2, 0, windowEnd, 0), second);
        Assert.Equal(new RateLimitWindow(2, 0, windowEnd, 30), third);
        Assert.False(refused.IsAcquired);
        Assert.True(limiter.TryAcquire("b", out var other));
        Assert.Equal(new RateLimitWindow(2, 1, windowEnd, 0), other);
    }

    [Fact]
    public void Partitions_Are_Counted_Apart()
    {
        using var limiter = Limiter(permitLimit: 1);

        using var a = limiter.AttemptAcquire("a");
        using var aAgain = limiter.AttemptAcquire("a");
        using var b = limiter.AttemptAcquire("b");

        Assert.True(a.IsAcquired);
        Assert.False(aAgain.IsAcquired);
        Assert.True(b.IsAcquired);
        Assert.Equal(0, limiter.GetStatistics("a")!.CurrentAvailablePermits);
        Assert.Equal(1, limiter.GetStatistics("c")!.CurrentAvailablePermits);
    }

    [Fact]
    public void A_New_Window_Starts_With_All_Permits()
    {
        using var limiter = Limiter(permitLimit: 1);
        limiter.AttemptAcquire("a").Dispose();

        _clock.Advance(TimeSpan.FromSeconds(29));
        using var late = limiter.AttemptAcquire("a");
        _clock.Advance(TimeSpan.FromSeconds(1));
        var atStart = limiter.GetStatistics("a")!.CurrentAvailablePermits;
        using var next = limiter.AttemptAcquire("a");

        Assert.False(late.IsAcquired);
        Assert.Equal(1, atStart);
        Assert.True(next.IsAcquired);
        Assert.Equal(0, Window(next).Remaining);
    }

    [Fact]
    public void A_Request_That_Read_The_Clock_Before_The_Window_Changed_Counts_In_The_New_Window()
    {
        using var limiter = Limiter(permitLimit: 2);
        var newWindowEnd = new DateTimeOffset(2026, 4, 18, 12, 2, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        limiter.AttemptAcquire("a").Dispose();
        limiter.AttemptAcquire("a").Dispose();

        _clock.Advance(TimeSpan.FromSeconds(30));
        using var inNewWindow = limiter.AttemptAcquire("a");
        _clock.Advance(TimeSpan.FromSeconds(-1));
        using var straggler = limiter.AttemptAcquire("a");
        using var overLimit = limiter.AttemptAcquire("a");

        Assert.Equal(new RateLimitWindow(2, 1, newWindowEnd, 0), Window(inNewWindow));
        Assert.Equal(new RateLimitWindow(2, 0, newWindowEnd, 0), Window(straggler));
        Assert.False(overLimit.IsAcquired);
    }

    [Fact]
    public void A_Clock_Set_Back_By_More_Than_A_Window_Starts_Over()
    {
        using var limiter = Limiter(permitLimit: 1);
        limiter.AttemptAcquire("a").Dispose();

        _clock.Advance(TimeSpan.FromMinutes(-5));
        using var afterStep = limiter.AttemptAcquire("a");

        Assert.True(afterStep.IsAcquired);
        Assert.Equal(new DateTimeOffset(2026, 4, 18, 11, 56, 0, TimeSpan.Zero).ToUnixTimeSeconds(), Window(afterStep).ResetUnixSeconds);
    }

    [Fact]
    public async Task Concurrent_Requests_Never_Get_More_Than_The_Limit()
    {
        using var limiter = Limiter(permitLimit: 1000);
        var acquired = 0;

        await Parallel.ForAsync(0, 5000, (_, _) =>
        {
            using var lease = limiter.AttemptAcquire("a");
            if (lease.IsAcquired)
            {
                Interlocked.Increment(ref acquired);
            }

            return ValueTask.CompletedTask;
        });

        Assert.Equal(1000, acquired);
    }
}
