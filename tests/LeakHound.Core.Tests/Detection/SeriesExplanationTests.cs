using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using Xunit;

namespace LeakHound.Core.Tests.Detection;

/// <summary>The floor and trend a chart draws must be the ones the detector judged.</summary>
public sealed class SeriesExplanationTests
{
    private static SeriesDetector Fed(double drift, int seed)
    {
        SeriesDetector detector = new("rss");
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(new Random(seed), 1200, 1, 100e6, 20e6, 40, drift, 1e5))
        {
            detector.Add(t, v);
        }

        return detector;
    }

    [Property(MaxTest = 20)]
    public void Floor_FollowsTheDrift_AndTheBandContainsTheTrend(int seed, PositiveInt driftStep)
    {
        double drift = 1e3 * (1 + driftStep.Get % 100); // 1 kB/s … 100 kB/s
        SeriesExplanation e = Fed(drift, seed).Explain();

        Assert.True(e.FloorT.Length >= 20, $"{e.FloorT.Length} floor points over ~30 cycles");
        Assert.Equal(e.FloorT.Length, e.FloorValue.Length);
        Assert.InRange(e.Slope!.Value, 0.8 * drift, 1.2 * drift);
        foreach (double t in new[] { 0.0, e.PivotT, 600, 1200 })
        {
            (double mid, double low, double high) = e.TrendAt(t)!.Value;
            Assert.InRange(mid, low - 1e-6, high + 1e-6);
        }

        // Floor points sit under the sawtooth: near the trend, far below the teeth.
        double residual = e.FloorT.Select((t, i) => Math.Abs(e.FloorValue[i] - e.TrendAt(t)!.Value.Mid)).Order().ElementAt(e.FloorT.Length / 2);
        Assert.True(residual < 2e6, $"median distance from trend {residual:N0}");
    }

    [Fact]
    public void NoSamples_OrTooFewFloorPoints_HaveNoTrend()
    {
        SeriesDetector empty = new("rss");
        Assert.Empty(empty.Explain().FloorT);
        Assert.Null(empty.Explain().TrendAt(0));

        SeriesDetector two = new("rss");
        two.Add(0, 1);
        two.Add(1, 2);
        Assert.Null(two.Explain().Slope);
    }
}
