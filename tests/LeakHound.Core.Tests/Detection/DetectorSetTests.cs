using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Tests.Detection;

/// <summary>The one detector set every front end feeds: its per-process cap, its order and its one limit policy.</summary>
public sealed class DetectorSetTests
{
    [Fact]
    public void Record_ManyShortLivedProcesses_KeepsPerProcessSeriesBounded()
    {
        DetectorSet set = new(DetectorOptions.Default);
        SeriesKey rss = SeriesKey.Of("rss", "svc");
        for (int pid = 0; pid < 5000; pid++)
        {
            set.Record(rss, pid, 1e6);
            set.Record(SeriesKey.Of($"rss{{pid=\"{pid}\"}}", "svc"), pid, 1e6);
        }

        Assert.Equal(DetectorSet.MaxPerProcessSeries + 1, set.Count);
        Assert.Contains(rss, set.Keys);
        Assert.Equal(5000 - DetectorSet.MaxPerProcessSeries, set.DroppedPerProcessSamples);
    }

    [Fact]
    public void Verdicts_TreeSeriesFirst_AndEachKindItsOwnLimit()
    {
        DetectorSet set = new(DetectorOptions.Default, new Limits(1e9, 1024, 4096));
        foreach (string name in new[] { "rss{pid=\"1\"}", "fds", "rss", "threads", "dotnet_gc_heap_size_bytes", "http_requests" })
        {
            set.Record(SeriesKey.Of(name, "svc (1)"), 0, 5);
        }

        IReadOnlyList<SeriesVerdict> verdicts = set.Verdicts(final: true);

        Assert.Equal(["fds", "rss", "threads", "dotnet_gc_heap_size_bytes", "http_requests", "rss{pid=\"1\"}"], verdicts.Select(v => v.Series));
        Assert.All(verdicts, v => Assert.Equal("svc (1)", v.Target));
        Assert.Equal([1024, 1e9, 4096, 1e9, null, 1e9], verdicts.Select(v => v.Limit));
    }

    /// <summary>
    /// The multi-target bug: <c>svc (1)/rss</c> and <c>rss{pid=…}</c> were names parsed back by string search, and such a
    /// series lost its unit, its limit and its time to limit. A structured key keeps all three.
    /// </summary>
    [Theory]
    [InlineData("svc (1)/rss", "svc (1)", "rss")]
    [InlineData("svc (1)/rss{pid=\"42\",comm=\"node\"}", "svc (1)", "rss{pid=\"42\",comm=\"node\"}")]
    [InlineData("a/b (2)/fds", "a/b (2)", "fds")]
    public void ParsedTraceNames_KeepTheirTargetUnitAndLimit(string recorded, string target, string name)
    {
        SeriesKey key = SeriesKey.Parse(recorded);
        DetectorSet set = new(DetectorOptions.Default, new Limits(2e9, 1024));
        set.Record(key, 0, 1);

        Assert.Equal(target, key.Target);
        Assert.Equal(name, key.Name);
        Assert.Equal(recorded, key.ToString());
        Assert.NotNull(set.Verdicts(final: true).Single().Limit);
    }

    /// <summary>
    /// A watch resumed with a new process: the old one sat flat at 300 MB, the new one starts at 100 MB and leaks. Marked
    /// as a restart, the new process is judged alone: from its own start, at its own rate, and the verdict says so.
    /// </summary>
    [Fact]
    public void MarkRestart_JudgesTheNewProcessAlone()
    {
        DetectorSet merged = new(DetectorOptions.Default);
        DetectorSet marked = new(DetectorOptions.Default);
        SeriesKey rss = SeriesKey.Of("rss", "svc");
        Random noise = new(7);
        for (int t = 0; t < 900; t++)
        {
            double v = 300e6 + noise.NextDouble() * 1e6;
            merged.Record(rss, t, v);
            marked.Record(rss, t, v);
        }

        marked.MarkRestart(900);
        for (int t = 900; t < 2100; t++)
        {
            double v = 100e6 + (t - 900) * 100e3 + noise.NextDouble() * 1e6;
            merged.Record(rss, t, v);
            marked.Record(rss, t, v);
        }

        SeriesVerdict judged = marked.Verdicts(final: true).Single();
        Assert.True(judged.Verdict == Verdict.Leak, judged.Reason);
        Assert.Contains("since the new process at t=900s", judged.Reason);
        Assert.InRange(judged.SlopePerSecond!.Value, 90e3, 110e3);
        Assert.DoesNotContain("new process", merged.Verdicts(final: true).Single().Reason);
    }
}
