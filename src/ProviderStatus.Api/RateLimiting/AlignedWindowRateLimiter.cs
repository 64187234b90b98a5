using System.Threading.RateLimiting;

namespace ProviderStatus.Api.RateLimiting;

/// <summary>Where a partition stands in its current window; carried on every lease.</summary>
internal readonly record struct RateLimitWindow(int Limit, int Remaining, long ResetUnixSeconds, long RetryAfterSeconds)
{
    public static readonly MetadataName<RateLimitWindow> MetadataName = System.Threading.RateLimiting.MetadataName.Create<RateLimitWindow>("RateLimitWindow");
}

/// <summary>
/// A fixed-window limiter for one partition whose windows are aligned to the Unix epoch on an
/// injected <see cref="TimeProvider"/>. Alignment makes the window's end (the <c>X-RateLimit-Reset</c>
/// header) a pure function of the clock, and the injected clock makes the limiter deterministic in
/// tests. The framework's own FixedWindowRateLimiter exposes neither its window end nor a clock.
/// </summary>
internal sealed class AlignedWindowRateLimiter(int permitLimit, int windowSeconds, TimeProvider clock) : RateLimiter
{
    private readonly Lock _gate = new();
    private long _window = long.MinValue;
    private int _used;

    /// <summary>
    /// Idle only once the window this partition last counted in is over, so the partitioned limiter
    /// never discards a partition (and with it a client's spent permits) in the middle of a window.
    /// </summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            long windowEndMs;
            lock (_gate)
            {
                windowEndMs = (_window + 1) * windowSeconds * 1000L;
            }

            return now >= windowEndMs ? TimeSpan.FromMilliseconds(now - windowEndMs) : null;
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        var state = Peek();
        return new RateLimiterStatistics { CurrentAvailablePermits = state.Remaining };
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var window = now / windowSeconds;
        var reset = (window + 1) * windowSeconds;
        lock (_gate)
        {
            if (window != _window)
            {
                _window = window;
                _used = 0;
            }

            if (_used + permitCount <= permitLimit)
            {
                _used += permitCount;
                return new WindowLease(true, new RateLimitWindow(permitLimit, permitLimit - _used, reset, 0));
            }

            return new WindowLease(false, new RateLimitWindow(permitLimit, Math.Max(0, permitLimit - _used), reset, reset - now));
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private RateLimitWindow Peek()
    {
        var window = clock.GetUtcNow().ToUnixTimeSeconds() / windowSeconds;
        lock (_gate)
        {
            return new RateLimitWindow(permitLimit, window == _window ? permitLimit - _used : permitLimit, (window + 1) * windowSeconds, 0);
        }
    }

    private sealed class WindowLease(bool acquired, RateLimitWindow window) : RateLimitLease
    {
        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames =>
            acquired ? [RateLimitWindow.MetadataName.Name] : [RateLimitWindow.MetadataName.Name, MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (metadataName == RateLimitWindow.MetadataName.Name)
            {
                metadata = window;
                return true;
            }

            if (!acquired && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = TimeSpan.FromSeconds(window.RetryAfterSeconds);
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
