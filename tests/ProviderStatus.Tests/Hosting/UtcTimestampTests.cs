using ProviderStatus.Api.Hosting;

namespace ProviderStatus.Tests.Hosting;

public sealed class UtcTimestampTests
{
    [Fact]
    public void Timestamps_Are_Written_In_Utc_With_Whole_Seconds_And_Z() =>
        Assert.Equal("2026-02-11T08:00:00Z", UtcTimestamp.ToText(new DateTimeOffset(2026, 2, 11, 9, 0, 0, 999, TimeSpan.FromHours(1))));

    [Theory]
    [InlineData("2026-02-11T09:00:00Z", "2026-02-11T09:00:00.0000000+00:00")]
    [InlineData("2026-02-11T11:00:00+02:00", "2026-02-11T09:00:00.0000000+00:00")]
    [InlineData("2026-02-11T09:00Z", "2026-02-11T09:00:00.0000000+00:00")]
    [InlineData("2026-02-11T09:00:00.1234567Z", "2026-02-11T09:00:00.1234560+00:00")]
    public void Timestamps_With_An_Offset_Are_Read_As_Utc_To_The_Microsecond(string text, string expected)
    {
        Assert.True(UtcTimestamp.TryParse(text, out var value));
        Assert.Equal(expected, value.ToString("O"));
    }

    [Theory]
    [InlineData("2026-02-11T09:00:00")]
    [InlineData("2026-02-11")]
    [InlineData("2026-02-11 09:00:00Z")]
    [InlineData("2026/02/11T09:00:00Z")]
    [InlineData("2026-02-30T09:00:00Z")]
    [InlineData(" 2026-02-11T09:00:00Z")]
    [InlineData("11 Feb 2026 09:00:00 GMT")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_Else_Is_Refused(string? text) => Assert.False(UtcTimestamp.TryParse(text, out _));
}
