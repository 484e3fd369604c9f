using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes;
using Microsoft.Extensions.Time.Testing;

namespace LeakHound.Watching.Tests;

/// <summary>
/// A service that leaks, is restarted by its supervisor and finally OOM-killed, as a source tells it: every restart is
/// a time line mark for every sink and the detectors judge from it, the leak stands across the restarts, and the kill
/// is weighed against the time to the limit projected when the leak was declared.
/// </summary>
public sealed class RestartAndOomTests
{
    /// <summary>Leaks 4 MiB/s from 200 MB, restarted at t=150 and t=300; at t=420 the kernel kills it.</summary>
    private sealed class RestartingService : ISignalSource
    {
        public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
        {
            double t = into.T;
            double life = t >= 300 ? t - 300 : t >= 150 ? t - 150 : t;
            into.Add("rss", 200e6 + 4 * (1 << 20) * life + 10e6 * (t % 10 / 10));
            if (t is 150 or 300)
            {
                into.Restarted($"every process was replaced at {t}");
            }

            if (t == 420)
            {
                into.OomKilled(1);
            }

            return ValueTask.CompletedTask;
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public async Task RestartsAreMarked_TheLeakStands_AndAnOomKillIsWeighedAgainstItsProjection()
    {
        // The limit is where the third life's projection lands: 200 MB + 4 MiB/s for 120 s, plus the sawtooth's height.
        using WatchTarget target = Drive.Target("svc", new RestartingService(), new Core.Detection.Limits(200e6 + 4.0 * (1 << 20) * 120 + 10e6));
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        WatchEngine engine = new([target], new WatchSettings { DurationSeconds = 440 }, [sink], clock);

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 500);

        Assert.Equal([150.0, 300.0], sink.Marks.Select(m => m.T));
        Assert.All(sink.Marks, m => Assert.Equal(TimelineMark.Restart, m.Kind));
        Assert.Equal(sink.Marks, result.Marks);
        Assert.Equal(2, target.Restarts);
        Assert.Contains(sink.Notices, n => n.StartsWith("svc restarted at t=150s", StringComparison.Ordinal));
        SeriesVerdict rss = result.VerdictsOf(target).Single(v => v.Series == "rss");
        Assert.Equal(Verdict.Leak, rss.Verdict);
        Assert.Equal(300, rss.RestartedAtSeconds);

        OomKill kill = Assert.Single(target.OomKills);
        Assert.Equal(420, kill.AtSeconds);
        Assert.Equal("rss", kill.Series);
        Assert.InRange(kill.ProjectedFromSeconds!.Value, 301, 419); // projected in the life the kill ended, not before
        Assert.True(kill.ProjectionError < 0.25, kill.Describe("svc"));
        Assert.Contains(sink.Notices, n => n.Contains("OOM-killed a process", StringComparison.Ordinal));
    }
}
