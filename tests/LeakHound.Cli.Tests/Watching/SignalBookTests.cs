using LeakHound.Cli.Watching;
using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Tests.Watching;

public sealed class SignalBookTests
{
    [Fact]
    public void Record_ManyShortLivedProcesses_KeepsPerProcessSeriesBounded()
    {
        SignalBook book = new(DetectorOptions.Default, _ => null);
        for (int pid = 0; pid < 5000; pid++)
        {
            book.Record(pid, "rss", 1e6);
            book.Record(pid, $"rss{{pid=\"{pid}\"}}", 1e6);
        }

        Assert.Equal(SignalBook.MaxPerProcessSeries + 1, book.SeriesNames.Count);
        Assert.Contains("rss", book.SeriesNames);
        Assert.Equal(5000 - SignalBook.MaxPerProcessSeries, book.DroppedPerProcessSamples);
    }

    [Fact]
    public void Verdicts_TreeSeriesFirst_AndLimitsByUnit()
    {
        SignalBook book = new(DetectorOptions.Default, s => SignalBook.LimitFor(s, 1e9, 1024));
        book.Record(0, "rss{pid=\"1\"}", 5);
        book.Record(0, "fds", 3);
        book.Record(0, "rss", 5);
        book.Record(0, "threads", 2);

        IReadOnlyList<SeriesVerdict> verdicts = book.Verdicts(final: true);

        Assert.Equal(["fds", "rss", "threads", "rss{pid=\"1\"}"], verdicts.Select(v => v.Series));
        Assert.Equal(1024, verdicts[0].Limit);
        Assert.Equal(1e9, verdicts[1].Limit);
        Assert.Null(verdicts[2].Limit);
    }

    [Fact]
    public void IsDecided_IgnoresRarelyReadPss()
    {
        // A still count is bounded in a minute only under a generous negligible growth (a unit in 3.7 minutes is resolvable).
        SignalBook book = new(DetectorOptions.Default with { MinSpanSeconds = 10, NegligibleGrowthPerHour = 1000 }, _ => null);
        for (int t = 0; t <= 60; t++)
        {
            book.Record(t, "threads", 8);
            if (t % 10 == 0)
            {
                book.Record(t, "pss", 1e6);
            }
        }

        Assert.True(book.IsDecided());
    }
}
