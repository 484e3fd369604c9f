using LeakHound.Core.Units;

namespace LeakHound.Core.Tests.Units;

public sealed class QuantityTests
{
    [Theory]
    [InlineData("1.5GiB", 1.5 * 1024 * 1024 * 1024)]
    [InlineData("512M", 512.0 * 1024 * 1024)]
    [InlineData("2GB", 2e9)]
    [InlineData("100", 100)]
    [InlineData("64 kib", 65536)]
    public void TryParseBytes_Accepts(string text, double expected)
    {
        Assert.True(Quantity.TryParseBytes(text, out double bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("lots")]
    [InlineData("-5G")]
    [InlineData("5 parsecs")]
    public void TryParseBytes_Rejects(string text) => Assert.False(Quantity.TryParseBytes(text, out _));

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("5m", 300)]
    [InlineData("1h30m", 5400)]
    [InlineData("2", 2)]
    public void TryParseDuration_Accepts(string text, double seconds)
    {
        Assert.True(Quantity.TryParseDuration(text, out double s));
        Assert.Equal(seconds, s, 9);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5 m x")]
    [InlineData("-3s")]
    public void TryParseDuration_Rejects(string text) => Assert.False(Quantity.TryParseDuration(text, out _));

    [Fact]
    public void FormatBytes_UsesBinaryUnits() => Assert.Equal("1.5 GiB", Quantity.FormatBytes(1.5 * 1024 * 1024 * 1024));
}
