using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;

namespace LeakHound.Reporting.Tests;

/// <summary>What goes into a report: verdicts from the live detector, the floor, the trend band, bounded points.</summary>
public sealed class ReportBuilderTests
{
    private static Trace Synthetic(double drift, double seconds = 900)
    {
        Random rng = new(7);
        StringWriter csv = new();
        csv.WriteLine("t_seconds,series,value");
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, seconds, 1, 200e6, 30e6, 30, drift, 2e5))
        {
            csv.WriteLine(FormattableString.Invariant($"{t},rss,{v}"));
            csv.WriteLine(FormattableString.Invariant($"{t},threads,12"));
        }

        return TraceReader.Read(new StringReader(csv.ToString()));
    }

    [Fact]
    public void Leak_HasVerdictRateFloorTrendBandAndDetection()
    {
        // 15 minutes bound a still thread count under a negligible 100% of its level an hour (not under the default 1%).
        ReportDocument report = ReportBuilder.FromTrace(Synthetic(drift: 50_000), DetectorOptions.Default with { NegligibleGrowthPerHour = 1 }, _ => new Limits(4e9), "synthetic");

        SeriesReport rss = report.Series[0]; // leaks first
        Assert.Equal("rss", rss.Name);
        Assert.Equal(Verdict.Leak, rss.Verdict.Verdict);
        Assert.True(rss.Verdict.SlopeLow > 0);
        Assert.Equal(4e9, rss.Verdict.Limit);
        Assert.NotNull(rss.Verdict.TimeToLimitSeconds);
        Assert.NotNull(rss.Verdict.DetectedAtSeconds);
        Assert.InRange(rss.Verdict.DetectedAtSeconds!.Value, 300, 900);
        Assert.Equal(901, rss.T.Length);
        Assert.True(rss.FloorT.Length >= 20, $"{rss.FloorT.Length} floor points");
        Assert.Equal(rss.TrendT.Length, rss.TrendMid.Length);
        Assert.All(Enumerable.Range(0, rss.TrendT.Length), i => Assert.InRange(rss.TrendMid[i], rss.TrendLow[i], rss.TrendHigh[i]));
        Assert.True(rss.TrendMid[^1] > rss.TrendMid[0]);
        Assert.InRange(rss.Verdict.SlopePerSecond!.Value, 40_000, 60_000);
        Assert.Equal(Verdict.Stable, report.Series.Single(s => s.Name == "threads").Verdict.Verdict);
    }

    [Fact]
    public void HealthySawtooth_IsNotALeak_AndHasNoDetection()
    {
        ReportDocument report = ReportBuilder.FromTrace(Synthetic(drift: 0), DetectorOptions.Default, _ => new Limits(4e9), "synthetic");

        SeriesReport rss = report.Series.Single(s => s.Name == "rss");
        Assert.NotEqual(Verdict.Leak, rss.Verdict.Verdict);
        Assert.Null(rss.Verdict.DetectedAtSeconds);
    }

    [Fact]
    public void LongSeries_AreDecimated_KeepingTheirExtremes()
    {
        List<(double, double)> points = Enumerable.Range(0, 100_000).Select(i => ((double)i, i % 1000 == 500 ? -1.0 : i % 7)).ToList();
        points[77_777] = (77_777, 1e9);

        (double[] t, double[] v) = Decimation.MinMax(points, ReportBuilder.MaxChartPoints);

        Assert.True(t.Length <= ReportBuilder.MaxChartPoints);
        Assert.Contains(1e9, v);
        Assert.Equal(100, v.Count(x => x == -1.0)); // every dip survives
        Assert.True(t.Zip(t.Skip(1)).All(p => p.First < p.Second), "time order kept");
    }
}
