using FsCheck;
using FsCheck.Fluent;
using LeakHound.Probes.PrometheusApi;

namespace LeakHound.Probes.Tests.Prometheus;

public sealed class PrometheusClientPagingTests
{
    [Theory]
    [InlineData(10_000, 1_000_000, 10_000, 100)]    // a fleet: 100 points of each series per answer
    [InlineData(10_000, 1_000_000, 50, 10_000)]     // a few series: the per-series cap
    [InlineData(10_000, 1_000_000, 5_000_000, 2)]   // more series than the budget: still two points, progress is made
    [InlineData(300, 1_000_000, 1, 300)]
    public void NextPagePoints_KeepsTheAnswerUnderBudget(int pagePoints, int budget, int series, int expected) =>
        Assert.Equal(expected, PrometheusClient.NextPagePoints(pagePoints, budget, series));

    [Fact]
    public void NextPagePoints_NeverOverBudgetNorCap() =>
        Prop.ForAll(Gen.Choose(2, 11_000).ToArbitrary(), Gen.Choose(2, 5_000_000).ToArbitrary(), Gen.Choose(1, 2_000_000).ToArbitrary(),
            (cap, budget, series) =>
            {
                int points = PrometheusClient.NextPagePoints(cap, budget, series);
                return points >= 2 && points <= cap && (points == 2 || (long)points * series <= budget);
            }).QuickCheckThrowOnFailure();
}
