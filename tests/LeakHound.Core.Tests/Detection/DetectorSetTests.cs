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
}
