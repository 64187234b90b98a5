using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace ProviderStatus.Api.RateLimiting;

/// <summary>Where a partition stands in its current window; carried on every lease.</summary>
internal readonly record struct RateLimitWindow(int Limit, int Remaining, long ResetUnixSeconds, long RetryAfterSeconds)
{
    public static readonly MetadataName<RateLimitWindow> MetadataName = System.Threading.RateLimiting.MetadataName.Create<RateLimitWindow>("RateLimitWindow");
}

/// <summary>
/// A fixed window per partition, with the windows of all partitions aligned to the Unix epoch on an
/// injected <see cref="TimeProvider"/>. Alignment makes a window's end (the <c>X-RateLimit-Reset</c>
/// header) a pure function of the clock, and the injected clock makes the limiter deterministic in
/// tests; the framework's own FixedWindowRateLimiter exposes neither its window end nor a clock.
/// </summary>
/// <remarks>
/// Since every partition's window ends at the same moment, a window's counts live in one table that
/// is replaced when the window ends: a partition has an entry only while it is counting, and nothing
/// has to look for idle ones. (The framework's partitioned limiter visits every partition ten times a
/// second to find them; with the benchmark's 10,000 keys in use, that took about 4% of the CPU.)
/// </remarks>
internal sealed class AlignedWindowRateLimiter<TResource>(
    Func<TResource, string> partitionKey, int permitLimit, int windowSeconds, TimeProvider clock) : PartitionedRateLimiter<TResource>
{
    private readonly Lock _gate = new();
    private volatile Window _current = new(long.MinValue);

    /// <summary>
    /// Counts one request of <paramref name="resource"/>: true when it is within the limit. What
    /// <see cref="RateLimiter.AttemptAcquire"/> does, without a lease object and its metadata, which on
    /// the request path would be garbage once the headers are written.
    /// </summary>
    public bool TryAcquire(TResource resource, out RateLimitWindow window) => TryAcquire(resource, 1, out window);

    protected override RateLimitLease AttemptAcquireCore(TResource resource, int permitCount) =>
        new WindowLease(TryAcquire(resource, permitCount, out var window), window);

    private bool TryAcquire(TResource resource, int permitCount, out RateLimitWindow window)
    {
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var current = WindowAt(now / windowSeconds);
        var counter = current.Counts.GetOrAdd(partitionKey(resource), static _ => new Counter());
        var reset = (current.Number + 1) * windowSeconds;
        var used = Volatile.Read(ref counter.Used);
        while (used + permitCount <= permitLimit)
        {
            var seen = Interlocked.CompareExchange(ref counter.Used, used + permitCount, used);
            if (seen == used)
            {
                window = new RateLimitWindow(permitLimit, permitLimit - used - permitCount, reset, 0);
                return true;
            }

            used = seen;
        }

        window = new RateLimitWindow(permitLimit, Math.Max(0, permitLimit - used), reset, reset - now);
        return false;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TResource resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    public override RateLimiterStatistics? GetStatistics(TResource resource)
    {
        var window = WindowAt(clock.GetUtcNow().ToUnixTimeSeconds() / windowSeconds);
        var used = window.Counts.TryGetValue(partitionKey(resource), out var counter) ? Volatile.Read(ref counter.Used) : 0;
        return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, permitLimit - used) };
    }

    /// <summary>
    /// The table of window <paramref name="number"/>, started when the clock first reaches it. A
    /// request that read the clock just before another one started the next window counts in the new
    /// window rather than starting the old one again; a clock set back further starts over.
    /// </summary>
    private Window WindowAt(long number)
    {
        var window = _current;
        if (window.Number == number || window.Number == number + 1)
        {
            return window;
        }

        lock (_gate)
        {
            if (_current.Number != number && _current.Number != number + 1)
            {
                _current = new Window(number);
            }

            return _current;
        }
    }

    private sealed class Window(long number)
    {
        public long Number { get; } = number;

        public ConcurrentDictionary<string, Counter> Counts { get; } = new(StringComparer.Ordinal);
    }

    private sealed class Counter
    {
        public int Used;
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
