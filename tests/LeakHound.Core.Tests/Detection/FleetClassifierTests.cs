using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Detection;

public sealed class FleetClassifierTests
{
    private static (string, double[], double[]) Series(string key, double drift, int seed)
    {
        (double T, double V)[] points = [.. SyntheticSeries.Sawtooth(new Random(seed), 7200, 15, 100e6, 20e6, 300, drift, 1e5)];
        return (key, [.. points.Select(p => p.T)], [.. points.Select(p => p.V)]);
    }

    [Fact]
    public void Leaks_RankFirst_FastestRelativeRateFirst_WithLimitsApplied()
    {
        FleetClassifier fleet = new(DetectorOptions.Default);
        fleet.Feed([Series("flat", 0, 1), Series("slow", 2_000, 2), Series("fast", 50_000, 3)]);

        IReadOnlyList<SeriesVerdict> ranked = fleet.Rank(key => key == "fast" ? 1e9 : null);

        Assert.Equal(["fast", "slow", "flat"], ranked.Select(v => v.Series));
        Assert.Equal(Verdict.Leak, ranked[0].Verdict);
        Assert.NotNull(ranked[0].TimeToLimitSeconds);
        Assert.Null(ranked[1].TimeToLimitSeconds);
        Assert.NotEqual(Verdict.Leak, ranked[2].Verdict);
        Assert.Equal(3 * 481, fleet.PointCount);
    }

    [Property(MaxTest = 15)]
    public void Paging_NeverChangesAVerdict(PositiveInt pageStep, int seed)
    {
        int pagePoints = 2 + pageStep.Get % 400;
        (string key, double[] t, double[] v) = Series("s", seed % 3 == 0 ? 20_000 : 0, seed);
        FleetClassifier whole = new(DetectorOptions.Default);
        whole.Feed([(key, t, v)]);
        FleetClassifier paged = new(DetectorOptions.Default);
        for (int from = 0; from < t.Length; from += pagePoints)
        {
            int n = Math.Min(pagePoints, t.Length - from);
            paged.Feed([(key, t[from..(from + n)], v[from..(from + n)])]);
        }

        Assert.Equal(whole.Rank(_ => null)[0], paged.Rank(_ => null)[0]);
    }

    [Property(MaxTest = 25)]
    public void OfflineDetector_AgreesWithTheOnlineOne_OnLeakOrNot(int seed, PositiveInt driftStep, PositiveInt periodStep)
    {
        double drift = seed % 2 == 0 ? 0 : 500 * (1 + driftStep.Get % 100);
        double period = 60 + 60 * (periodStep.Get % 15);
        SeriesDetector online = new("s");
        SeriesDetector offline = new("s", online: false);
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(new Random(seed), 5400, 5, 100e6, 30e6, period, drift, 2e5))
        {
            online.Add(t, v);
            offline.Add(t, v);
        }

        // The live detector holds a declared leak through later windows that cannot decide on their own; a scan sees the
        // history once and may call those insufficient. So the scan is never less strict: it flags only what a live
        // watch flags, and on a healthy series neither does.
        bool onlineLeak = online.Evaluate().Verdict == Verdict.Leak;
        bool offlineLeak = offline.Evaluate().Verdict == Verdict.Leak;
        Assert.True(!offlineLeak || onlineLeak, $"drift {drift}, period {period}: the scan flags a leak the live watch does not");
        // A sawtooth whose teeth are longer than the minimum span can be taken for a leak (a documented limit).
        if (drift == 0 && period < DetectorOptions.Default.MinSpanSeconds)
        {
            Assert.False(onlineLeak, $"period {period}: a healthy sawtooth");
        }
    }
}
