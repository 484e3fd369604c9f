using LeakHound.Core.Statistics;

namespace LeakHound.Core.Tests.Statistics;

public sealed class NormalDistributionTests
{
    [Theory]
    [InlineData(0, 0.5)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(-1.6448536269514722, 0.05)]
    [InlineData(3.090232306167813, 0.999)]
    public void Cdf_KnownPoints(double z, double p) => Assert.Equal(p, NormalDistribution.Cdf(z), 6);

    [Theory]
    [InlineData(0.001)]
    [InlineData(0.05)]
    [InlineData(0.5)]
    [InlineData(0.975)]
    public void Quantile_InvertsCdf(double p) => Assert.Equal(p, NormalDistribution.Cdf(NormalDistribution.Quantile(p)), 6);

    [Fact]
    public void UpperTail_FarOut_StaysPositiveAndTiny()
    {
        double p = NormalDistribution.UpperTail(8);
        Assert.InRange(p, 1e-16, 1e-14);
    }
}
