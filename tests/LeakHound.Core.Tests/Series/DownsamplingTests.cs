using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Series;

/// <summary>Thinning old samples the way the watch history does must never change a verdict.</summary>
public sealed class DownsamplingTests
{
    private static Verdict Judge(IEnumerable<Sample> samples)
    {
        SeriesDetector detector = new("s");
        foreach (Sample s in samples)
        {
            detector.Add(s.T, s.Value);
        }

        return detector.Evaluate().Verdict;
    }

    /// <summary>The corpus shapes of the property tests: sawtooth with and without a leak, warm-up, step, staircase.</summary>
    private static Sample[] Shape(int kind, int seed, double duration)
    {
        Random rng = new(seed);
        IEnumerable<(double T, double Value)> points = (kind % 5) switch
        {
            0 => SyntheticSeries.Sawtooth(rng, duration, 1, 100e6, 20e6, 60 + seed % 240, 0, 2e5),
            1 => SyntheticSeries.Sawtooth(rng, duration, 1, 100e6, 20e6, 60 + seed % 240, 2_000 + seed % 20_000, 2e5),
            2 => SyntheticSeries.WarmUp(rng, duration, 1, 100e6, 50e6, 30 + seed % 270, 2e5),
            3 => SyntheticSeries.Step(rng, duration, 1, 100e6, 40e6, duration * 0.4, 2e5),
            _ => SyntheticSeries.Staircase(rng, duration, 1, 20, 30 + seed % 300, 2),
        };
        return [.. points.Select(p => new Sample(p.T, p.Value))];
    }

    [Property(MaxTest = 50)]
    public void Downsampling_NeverChangesAVerdict(PositiveInt kind, int seed, PositiveInt rawShare)
    {
        double duration = 1800 + Math.Abs(seed % 5400);
        Sample[] samples = Shape(kind.Get, seed, duration);
        double keepRawFrom = duration * (0.02 + 0.96 * (rawShare.Get % 100) / 100.0);
        List<int> keep = Downsampling.Keep(samples, keepRawFrom, Downsampling.WindowFor(duration, DetectorOptions.Default.HistoryCapacity));

        Assert.Equal(Judge(samples), Judge(keep.Select(i => samples[i])));
    }

    [Fact]
    public void Keep_HoldsMinAndMaxPerWindow_InTimeOrder_AndEverythingRecent()
    {
        Sample[] samples = [.. Enumerable.Range(0, 100).Select(i => new Sample(i, i % 10 == 3 ? -5 : i % 10 == 7 ? 50 : i % 10))];

        List<int> keep = Downsampling.Keep(samples, keepRawFrom: 80, window: 10);

        Assert.Equal(8 * 2 + 20, keep.Count);
        Assert.Equal([3, 7, 13, 17], keep.Take(4));
        Assert.Equal(Enumerable.Range(80, 20), keep.Skip(16));
        Assert.True(keep.Zip(keep.Skip(1)).All(p => p.First < p.Second));
    }
}
