using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Tests.Signals;

/// <summary>
/// The page cache policy of a cgroup (kubernetes/kubernetes#43916): a cache that fills is never paged as a leak, a
/// working set that rises only because of it says so and still says when it would reach the limit, and a working set
/// that rises with anonymous memory is a leak however much cache there is.
/// </summary>
public sealed class PageCacheTests
{
    private const double Mb = 1 << 20;

    /// <summary>Ten minutes at one sample a second; each series its start plus its rise per second, with a little noise.</summary>
    private static IReadOnlyDictionary<string, SeriesVerdict> Watch(double anonPerSecond, double activeFilePerSecond, double inactivePerSecond)
    {
        DetectorSet set = new(DetectorOptions.Default, new Limits(4096 * Mb, MemorySource: "cgroup v1 memory.limit_in_bytes"));
        Random noise = new(7);
        for (int t = 0; t < 600; t++)
        {
            double anon = 200 * Mb + anonPerSecond * t + noise.NextDouble() * Mb;
            double active = 50 * Mb + activeFilePerSecond * t + noise.NextDouble() * Mb;
            double inactive = 10 * Mb + inactivePerSecond * t;
            Record(PageCache.WorkingSet, anon + active);
            Record(PageCache.Anon, anon);
            Record(PageCache.ActiveFile, active);
            Record(PageCache.Cache, active + inactive);
            Record(PageCache.Usage, anon + active + inactive);

            void Record(string series, double value) => set.Record(SeriesKey.Of(series, "svc"), t, value);
        }

        return set.Verdicts(final: false).ToDictionary(v => v.Series);
    }

    [Fact]
    public void ACacheThatFills_IsNeverALeak_AndTheWorkingSetSaysItIsTheCache()
    {
        IReadOnlyDictionary<string, SeriesVerdict> v = Watch(anonPerSecond: 0, activeFilePerSecond: 0.5 * Mb, inactivePerSecond: 1 * Mb);

        Assert.All(v.Values, s => Assert.NotEqual(Verdict.Leak, s.Verdict));
        Assert.Contains("only because of page cache", v[PageCache.WorkingSet].Reason);
        Assert.Contains("reclaims", v[PageCache.Cache].Reason);
        Assert.Contains("reclaims", v[PageCache.Usage].Reason);
        // The time to the limit is still told, on the working set (4 GiB less its peak of ~550 MiB, at 0.5 MiB/s).
        Assert.InRange(v[PageCache.WorkingSet].TimeToLimitSeconds!.Value, 6000, 8000);
        Assert.Null(v[PageCache.Cache].TimeToLimitSeconds);
    }

    [Fact]
    public void AnonymousMemoryThatGrows_IsALeakOfTheWorkingSet_WhateverTheCacheDoes()
    {
        IReadOnlyDictionary<string, SeriesVerdict> v = Watch(anonPerSecond: 0.5 * Mb, activeFilePerSecond: 0, inactivePerSecond: 2 * Mb);

        Assert.Equal(Verdict.Leak, v[PageCache.WorkingSet].Verdict);
        Assert.Equal(Verdict.Leak, v[PageCache.Anon].Verdict);
        Assert.NotEqual(Verdict.Leak, v[PageCache.Cache].Verdict);
        Assert.InRange(v[PageCache.WorkingSet].SlopePerSecond!.Value, 0.45 * Mb, 0.55 * Mb);
    }

    [Fact]
    public void AWorkingSetThatRisesMostlyWithAnon_IsALeak_ThoughSomeOfItIsCache()
    {
        IReadOnlyDictionary<string, SeriesVerdict> v = Watch(anonPerSecond: 0.4 * Mb, activeFilePerSecond: 0.1 * Mb, inactivePerSecond: 0);

        Assert.Equal(Verdict.Leak, v[PageCache.WorkingSet].Verdict);
    }

    [Theory]
    [InlineData(PageCache.Cache, false)]
    [InlineData(PageCache.ActiveFile, false)]
    [InlineData(PageCache.Usage, false)]
    [InlineData("oom_kills", false)]
    [InlineData(PageCache.Kernel, false)]
    [InlineData(PageCache.WorkingSet, true)]
    [InlineData(PageCache.Anon, true)]
    [InlineData("pids", true)]
    public void OnlyWhatLeaksHoldsAWatchUp(string signal, bool resource)
    {
        Assert.Equal(resource, SeriesKey.Of(signal, "svc").IsResource);
    }
}
