namespace ProviderStatus.Tests.Infrastructure;

/// <summary>A clock that only moves when a test moves it.</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    /// <summary>A whole minute, so rate-limit windows of whole minutes start exactly here.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 4, 18, 12, 0, 0, TimeSpan.Zero);

    private long _utcTicks = start.UtcTicks;

    public TestClock()
        : this(DefaultStart)
    {
    }

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    /// <summary>Moves to the start of the next window of <paramref name="windowSeconds"/> (epoch-aligned).</summary>
    public DateTimeOffset AdvanceToNextWindow(int windowSeconds)
    {
        var now = GetUtcNow().ToUnixTimeSeconds();
        var next = (now / windowSeconds + 1) * windowSeconds;
        Advance(TimeSpan.FromSeconds(next - now) - TimeSpan.FromTicks(GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond));
        return GetUtcNow();
    }
}
