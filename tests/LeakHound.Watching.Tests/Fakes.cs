using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes;
using Microsoft.Extensions.Time.Testing;

namespace LeakHound.Watching.Tests;

/// <summary>A source at the seam: values computed from the round's time; it may end (the process exited) after some reads.</summary>
internal sealed class FakeSource(Func<double, IEnumerable<(string Series, double Value)>> values, int? endAfterReads = null) : ISignalSource
{
    private readonly Queue<string> _notices = new();

    public int Reads { get; private set; }

    public bool Disposed { get; private set; }

    public bool Ended => endAfterReads is { } n && Reads > n;

    public void Say(string notice) => _notices.Enqueue(notice);

    public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        Reads++;
        if (!Ended)
        {
            foreach ((string series, double value) in values(into.T))
            {
                into.Add(series, value);
            }

            while (_notices.TryDequeue(out string? notice))
            {
                into.Notice(notice);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => Disposed = true;
}

/// <summary>Every sink event, in order, and a gate that opens at each round's end (so the test moves the clock then).</summary>
internal sealed class RecordingSink : IWatchSink
{
    private readonly SemaphoreSlim _rounds = new(0);

    public List<string> Events { get; } = [];

    public List<(string Target, SeriesKey Key, double T, double Value)> Samples { get; } = [];

    public List<(SeriesKey Key, Verdict From, SeriesVerdict To)> Changes { get; } = [];

    public List<string> Notices { get; } = [];

    public List<TimelineMark> Marks { get; } = [];

    public WatchResult? Result { get; private set; }

    public Func<WatchEngine, bool> Hold { get; init; } = _ => false;

    public Task NextRoundAsync() => _rounds.WaitAsync();

    public void OnStart(WatchEngine watch) => Events.Add("start");

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value) => Samples.Add((target.Label, key, t, value));

    public void OnVerdictChange(WatchTarget target, SeriesKey key, Verdict from, SeriesVerdict to)
    {
        Changes.Add((key, from, to));
        Events.Add($"change {key} {to.Verdict.ToName()}");
    }

    /// <summary>Called with each notice as it is told (the test reads the watch's clock then).</summary>
    public Action<string>? NoticeSeen { get; set; }

    public void OnNotice(string message)
    {
        Notices.Add(message);
        NoticeSeen?.Invoke(message);
    }

    public void OnMark(WatchEngine watch, TimelineMark mark) => Marks.Add(mark);

    public void OnTargetExited(WatchTarget target) => Events.Add($"exited {target.Label}");

    public void OnRoundEnd(WatchEngine watch) => _rounds.Release();

    public bool HoldsTheWatch(WatchEngine watch) => Hold(watch);

    public Task OnStoppedAsync(WatchEngine watch)
    {
        Events.Add("stopped");
        return Task.CompletedTask;
    }

    public Task OnEndAsync(WatchResult result)
    {
        Result = result;
        Events.Add("end");
        return Task.CompletedTask;
    }
}

internal static class Drive
{
    /// <summary>Minutes stand for hours: a minute's minimum span, growth under the level per hour is negligible.</summary>
    public static readonly DetectorOptions Fast = DetectorOptions.Default with { MinSpanSeconds = 60, NegligibleGrowthPerHour = 1 };

    public static WatchTarget Target(string label, ISignalSource source, Limits? limits = null) =>
        new(label, source, new DetectorSet(Fast, limits ?? new Limits(4e9, 1024, 4096)));

    /// <summary>
    /// Runs the engine on a fake clock: after each round, one interval passes. Bounded: at most
    /// <paramref name="maxRounds"/> rounds and 60 s of real time.
    /// </summary>
    public static async Task<WatchResult> RunAsync(WatchEngine engine, FakeTimeProvider clock, RecordingSink sink, int maxRounds, CancellationToken cancel = default)
    {
        Task<WatchResult> run = engine.RunAsync(cancel);
        using CancellationTokenSource limit = new(TimeSpan.FromSeconds(60));
        for (int i = 0; i < maxRounds && !run.IsCompleted; i++)
        {
            await Task.WhenAny(sink.NextRoundAsync(), run).WaitAsync(limit.Token);
            clock.Advance(TimeSpan.FromSeconds(engine.Settings.IntervalSeconds));
        }

        return await run.WaitAsync(limit.Token);
    }

    /// <summary>Memory leaking 1 MiB/s under a sawtooth, threads flat: what a leaking service reads as.</summary>
    public static IEnumerable<(string, double)> Leaking(double t)
    {
        double phase = t % 10 / 10;
        yield return ("rss", 200e6 + (1 << 20) * t + 20e6 * phase);
        yield return ("threads", 20);
    }

    /// <summary>A flat sawtooth and flat threads.</summary>
    public static IEnumerable<(string, double)> Healthy(double t)
    {
        double phase = t % 10 / 10;
        yield return ("rss", 200e6 + 20e6 * phase);
        yield return ("threads", 20);
    }
}
