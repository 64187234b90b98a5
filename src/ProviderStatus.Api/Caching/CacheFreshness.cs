using Microsoft.Extensions.Options;

namespace ProviderStatus.Api.Caching;

/// <summary>
/// Decides whether a cached entry may still be served. An entry is fresh for
/// <see cref="CacheOptions.MaxStaleness"/> after it was read from the database. It stays fresh
/// beyond that while the change feed is confirmed: PostgreSQL delivers notifications in commit
/// order, so once the listener has received a ping sent at time t, every change committed before t
/// has already evicted what it made stale; entries can then be at most <c>now - t</c> behind.
/// </summary>
internal sealed class CacheFreshness(TimeProvider clock, IOptions<CacheOptions> options)
{
    private long _confirmedThroughTicks = long.MinValue;

    public TimeSpan MaxStaleness => options.Value.MaxStaleness;

    public DateTimeOffset Now => clock.GetUtcNow();

    public bool IsFresh(DateTimeOffset filledAt, DateTimeOffset now)
    {
        var bound = options.Value.MaxStaleness.Ticks;
        if (now.UtcTicks - filledAt.UtcTicks <= bound)
        {
            return true;
        }

        var confirmed = Interlocked.Read(ref _confirmedThroughTicks);
        return confirmed != long.MinValue && now.UtcTicks - confirmed <= bound;
    }

    /// <summary>The change feed has delivered everything committed up to <paramref name="sentAt"/>.</summary>
    public void Confirm(DateTimeOffset sentAt)
    {
        var ticks = sentAt.UtcTicks;
        var current = Interlocked.Read(ref _confirmedThroughTicks);
        while (ticks > current)
        {
            var seen = Interlocked.CompareExchange(ref _confirmedThroughTicks, ticks, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    /// <summary>The change feed is down: only the time bound holds from now on.</summary>
    public void Unconfirm() => Interlocked.Exchange(ref _confirmedThroughTicks, long.MinValue);
}
