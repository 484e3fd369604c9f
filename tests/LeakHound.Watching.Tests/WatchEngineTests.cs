using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using Microsoft.Extensions.Time.Testing;

namespace LeakHound.Watching.Tests;

/// <summary>The engine in process on a fake clock: samples in, sink events out, and every way a watch ends.</summary>
public sealed class WatchEngineTests
{
    private static (WatchEngine Engine, FakeTimeProvider Clock, RecordingSink Sink) Engine(WatchSettings settings, params WatchTarget[] targets)
    {
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        return (new WatchEngine(targets, settings with { Detector = Drive.Fast }, [sink], clock), clock, sink);
    }

    [Fact]
    public async Task EveryRound_ReadsEverySource_AndTellsTheSinks_InOrder()
    {
        FakeSource source = new(Drive.Leaking);
        using WatchTarget target = Drive.Target("svc", source);
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings { DurationSeconds = 200 }, target);

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 400);

        Assert.Equal(StopReason.Duration, result.StoppedBecause);
        Assert.Equal(201, engine.Rounds); // t = 0, 1, … 200
        Assert.Equal(201, source.Reads);
        Assert.Equal(2 * 201, sink.Samples.Count);
        Assert.Equal(Enumerable.Range(0, 201).Select(i => (double)i), sink.Samples.Where(s => s.Key.Signal == "rss").Select(s => s.T));
        Assert.All(sink.Samples, s => Assert.Equal("svc", s.Key.Target));
        Assert.Equal("start", sink.Events[0]);
        Assert.Equal(["stopped", "end"], sink.Events[^2..]);
        Assert.Same(result, sink.Result);
    }

    [Fact]
    public async Task ALeak_IsToldOnceAsAVerdictChange_AtItsDetectionTime_AndIsTheFinalWord()
    {
        using WatchTarget target = Drive.Target("svc", new FakeSource(Drive.Leaking));
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings { DurationSeconds = 240 }, target);

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 400);

        (SeriesKey key, Verdict from, SeriesVerdict to) = Assert.Single(sink.Changes, c => c.To.Verdict == Verdict.Leak);
        Assert.Equal("rss", key.Name);
        Assert.NotEqual(Verdict.Leak, from);
        Assert.InRange(to.DetectedAtSeconds!.Value, 60, 240);
        Assert.Equal(to.AtSeconds, to.DetectedAtSeconds!.Value);
        Assert.InRange(to.SlopePerSecond!.Value, 0.9 * (1 << 20), 1.1 * (1 << 20));
        SeriesVerdict final = result.VerdictsOf(target).Single(v => v.Series == "rss");
        Assert.Equal(Verdict.Leak, final.Verdict);
        Assert.Equal(to.DetectedAtSeconds, final.DetectedAtSeconds);
        Assert.Equal(4e9, final.Limit);
        Assert.True(result.AnyLeak);
    }

    [Fact]
    public async Task UntilVerdict_StopsAtTheFirstLeak_UnlessASinkHoldsTheWatch()
    {
        using WatchTarget quick = Drive.Target("svc", new FakeSource(Drive.Leaking));
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings { UntilVerdict = true, DurationSeconds = 600 }, quick);
        WatchResult stopped = await Drive.RunAsync(engine, clock, sink, 700);

        double detected = sink.Changes.Single(c => c.To.Verdict == Verdict.Leak).To.DetectedAtSeconds!.Value;
        Assert.Equal(StopReason.Verdict, stopped.StoppedBecause);
        Assert.Equal(detected, stopped.DurationSeconds);

        // A rule waiting to act (a heap diff being taken) holds the watch for 30 more rounds.
        using WatchTarget held = Drive.Target("svc", new FakeSource(Drive.Leaking));
        FakeTimeProvider clock2 = new();
        double? leakAt = null;
        RecordingSink holding = new()
        {
            Hold = e => (leakAt ??= e.Now) > e.Now - 30,
        };
        WatchEngine engine2 = new([held], new WatchSettings { UntilVerdict = true, DurationSeconds = 600, Detector = Drive.Fast }, [holding], clock2);
        WatchResult later = await Drive.RunAsync(engine2, clock2, holding, 700);

        Assert.Equal(StopReason.Verdict, later.StoppedBecause);
        Assert.Equal(leakAt!.Value + 30, later.DurationSeconds);
    }

    [Fact]
    public async Task ATargetThatExits_IsToldOnce_AndEndsTheWatchWhenItWasTheLast()
    {
        FakeSource exits = new(Drive.Healthy, endAfterReads: 50);
        FakeSource stays = new(Drive.Healthy, endAfterReads: 80);
        using WatchTarget a = Drive.Target("a", exits);
        using WatchTarget b = Drive.Target("b", stays);
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings(), a, b);

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 200);

        Assert.Equal(StopReason.TargetsExited, result.StoppedBecause);
        Assert.Equal(["exited a"], sink.Events.Where(e => e == "exited a"));
        Assert.Equal(50, a.ExitedAtSeconds);
        Assert.Equal(80, b.ExitedAtSeconds);
        Assert.Equal(51, exits.Reads); // not read again once it ended
        Assert.Equal(50, sink.Samples.Count(s => s.Target == "a" && s.Key.Signal == "rss"));
    }

    [Fact]
    public async Task Cancellation_EndsTheWatch_WithTheVerdictsSoFar()
    {
        using WatchTarget target = Drive.Target("svc", new FakeSource(Drive.Leaking));
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings(), target);
        using CancellationTokenSource cancel = new();

        Task<WatchResult> run = Drive.RunAsync(engine, clock, sink, 30, cancel.Token);
        await Task.Delay(50);
        cancel.Cancel();
        WatchResult result = await run;

        Assert.True(result.StoppedBecause is StopReason.Cancelled, result.StoppedBecause.ToString());
        Assert.NotEmpty(result.VerdictsOf(target));
        Assert.Equal(["stopped", "end"], sink.Events[^2..]);
    }

    [Fact]
    public async Task SourceNotices_ReachEverySink_OnceEach_AndAreKept()
    {
        FakeSource source = new(Drive.Healthy);
        source.Say("scrape of http://127.0.0.1:1/metrics failed: refused");
        using WatchTarget target = Drive.Target("svc", source);
        (WatchEngine engine, FakeTimeProvider clock, RecordingSink sink) = Engine(new WatchSettings { DurationSeconds = 5 }, target);
        engine.Notice("from a sink");

        await Drive.RunAsync(engine, clock, sink, 10);

        Assert.Equal(["from a sink", "scrape of http://127.0.0.1:1/metrics failed: refused"], sink.Notices);
        Assert.Equal(sink.Notices, engine.RecentNotices);
    }

    [Fact]
    public async Task IsDecided_IgnoresRarelyReadPss()
    {
        // A still count is bounded in a minute only under a generous negligible growth; PSS, read every 10 s, has too
        // few samples for any verdict by then and must not hold the watch.
        FakeSource source = new(t => t % 10 == 0 ? [("threads", 8), ("pss", 1e6)] : [("threads", 8)]);
        using WatchTarget target = new("svc", source, new Core.Detection.DetectorSet(Drive.Fast with { MinSpanSeconds = 10, NegligibleGrowthPerHour = 1000 }));
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        WatchEngine engine = new([target], new WatchSettings { UntilVerdict = true, DurationSeconds = 600, Detector = target.Detectors.Options }, [sink], clock);

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 700);

        Assert.Equal(StopReason.Verdict, result.StoppedBecause);
        Assert.Equal(Verdict.Insufficient, target.Detectors[target.KeyOf("pss")].Current.Verdict);
        Assert.True(target.IsDecided());
    }

    [Fact]
    public async Task StartAt_PutsTheRoundsOnTheGivenTimeLine()
    {
        using WatchTarget target = Drive.Target("svc", new FakeSource(Drive.Healthy));
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        WatchEngine engine = new([target], new WatchSettings { DurationSeconds = 3, Detector = Drive.Fast }, [sink], clock) { StartAt = 1000 };

        await Drive.RunAsync(engine, clock, sink, 10);

        Assert.Equal([1000.0, 1001, 1002, 1003], sink.Samples.Where(s => s.Key.Signal == "rss").Select(s => s.T));
    }

    /// <summary>A replay's clock starts at timestamp 0 and moves only when the engine asks: the watch must still advance and end.</summary>
    [Fact]
    public async Task AReplay_RunsEveryRoundOfItsTrace_AndEnds()
    {
        Core.Traces.Trace trace = Core.Traces.Trace.From(Enumerable.Range(0, 300).Select(t => (100.0 + t, "rss", 1e6 + 1e4 * t)));
        IReadOnlyList<WatchTarget> targets = Replay.ReplayTargets.From(trace, Drive.Fast, _ => Core.Detection.Limits.None, "trace.csv");
        RecordingSink sink = new();
        WatchEngine engine = new(targets, new WatchSettings { Detector = Drive.Fast }, [sink], new Replay.ReplayClock()) { StartAt = Replay.ReplayTargets.StartOf(trace) };

        WatchResult result = await engine.RunAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StopReason.TargetsExited, result.StoppedBecause);
        Assert.Equal(Enumerable.Range(0, 300).Select(t => 100.0 + t), sink.Samples.Select(s => s.T));
        Assert.Equal(Core.Detection.TraceAnalysis.Analyze(trace, Drive.Fast, _ => Core.Detection.Limits.None).Single(), result.Verdicts.Single().Verdict with { Target = "" });
    }
}
