using System.Collections.Concurrent;
using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes;

namespace LeakHound.Watching;

/// <summary>
/// The sampling loop every watch runs — <c>run</c>, <c>watch</c>, <c>soak</c>, <c>demo</c>, and any host that links
/// the library: each round it reads every source of every target, feeds the targets' detectors, tells the sinks what
/// was read and what changed, and stops when the targets exit, the time is up, or (with
/// <see cref="WatchSettings.UntilVerdict"/>) every target is decided. The clock is a <see cref="TimeProvider"/>, so
/// tests drive it with a fake one.
/// </summary>
/// <remarks>
/// A round costs each target the same however many others there are: its sources, its own series, and a walk over its
/// own series for verdict changes. Sinks run on the sampling thread in the order given; slow work goes to the background.
/// </remarks>
public sealed class WatchEngine
{
    /// <summary>Longest notice told.</summary>
    public const int MaxNoticeChars = 500;

    private const int RecentNoticesKept = 20;

    private readonly IReadOnlyList<WatchTarget> _targets;
    private readonly IReadOnlyList<IWatchSink> _sinks;
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<string> _pendingNotices = new();
    private readonly Queue<string> _recentNotices = new();
    private readonly Lock _noticeGate = new();
    private long _startedAt;
    private bool _started;
    private double _lastRoundElapsed;
    private double _lastCostlyRead = double.NegativeInfinity;
    private volatile bool _stopRequested;

    /// <param name="targets">What to watch, each with its sources and detectors.</param>
    /// <param name="settings">How to watch.</param>
    /// <param name="sinks">Where what is seen goes, in order.</param>
    /// <param name="time">The clock (the system's by default).</param>
    public WatchEngine(IReadOnlyList<WatchTarget> targets, WatchSettings settings, IEnumerable<IWatchSink> sinks, TimeProvider? time = null)
    {
        if (targets.Count == 0)
        {
            throw new ArgumentException("a watch needs at least one target", nameof(targets));
        }

        _targets = targets;
        _sinks = [.. sinks];
        _time = time ?? TimeProvider.System;
        Settings = settings;
        HeapDiffs = Explanations.HeapDiffs(this);
        GoExplanations = Explanations.Go(this);
        NodeExplanations = Explanations.Node(this);
    }

    public IReadOnlyList<WatchTarget> Targets => _targets;

    public WatchSettings Settings { get; }

    /// <summary>Heap diffs of .NET targets taken during this watch (a rule's action, <c>--heapdiff-on-leak</c>).</summary>
    public TargetExplanations<Probes.DotNet.Heap.HeapDiffResult> HeapDiffs { get; }

    /// <summary>Explanations of Go targets taken during this watch (<c>--explain-on-leak</c> with <c>--pprof-url</c>).</summary>
    public TargetExplanations<Probes.Go.GoExplanation> GoExplanations { get; }

    /// <summary>Explanations of Node.js targets taken during this watch (<c>--explain-on-leak</c> with <c>--node-inspector</c>).</summary>
    public TargetExplanations<Probes.Node.NodeExplanation> NodeExplanations { get; }

    /// <summary>Where this watch's time line starts: after the last stored sample when a watch is resumed.</summary>
    public double StartAt { get; init; }

    /// <summary>The time line's gaps (the watcher was away) and restarts (a new process) so far, oldest first.</summary>
    public IReadOnlyList<TimelineMark> Marks
    {
        get => _marks;
        init => _marks = [.. value];
    }

    private readonly List<TimelineMark> _marks = [];

    /// <summary>Rounds completed.</summary>
    public long Rounds { get; private set; }

    /// <summary>Seconds since the first round.</summary>
    public double ElapsedSeconds => _started ? _time.GetElapsedTime(_startedAt).TotalSeconds : 0; // a replay's clock starts at timestamp 0

    /// <summary>Now on the watch's time line (the time of the samples).</summary>
    public double Now => StartAt + ElapsedSeconds;

    public StopReason? StoppedBecause { get; private set; }

    /// <summary>The latest notices, oldest first (the live view shows the newest).</summary>
    public IReadOnlyList<string> RecentNotices
    {
        get
        {
            lock (_noticeGate)
            {
                return [.. _recentNotices];
            }
        }
    }

    /// <summary>
    /// Tells every sink something people should know; from any thread (delivered on the sampling thread). A notice is one
    /// line of at most <see cref="MaxNoticeChars"/> characters, whatever a source put in it (a page's line, a command's output).
    /// </summary>
    public void Notice(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        _pendingNotices.Enqueue(line.Length > MaxNoticeChars ? line[..MaxNoticeChars] + "…" : line);
    }

    /// <summary>Ends the watch after the current round (a host shutting down, a test).</summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>Runs rounds until a stop condition, then ends every sink with the result.</summary>
    public async Task<WatchResult> RunAsync(CancellationToken cancel)
    {
        _startedAt = _time.GetTimestamp();
        _started = true;
        foreach (IWatchSink sink in _sinks)
        {
            sink.OnStart(this);
        }

        DeliverNotices();
        using PeriodicTimer timer = new(TimeSpan.FromSeconds(Settings.IntervalSeconds), _time);
        StoppedBecause = await LoopAsync(timer, cancel);
        await StopLaunchedAsync();
        foreach (IWatchSink sink in _sinks)
        {
            await sink.OnStoppedAsync(this);
            DeliverNotices();
        }

        IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.DotNet.Heap.HeapDiffResult>> diffs = await HeapDiffs.CollectAsync(TimeSpan.FromSeconds(60));
        IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.Go.GoExplanation>> explanations = await GoExplanations.CollectAsync(TimeSpan.FromSeconds(120));
        IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.Node.NodeExplanation>> nodeExplanations = await NodeExplanations.CollectAsync(TimeSpan.FromSeconds(120));
        DeliverNotices();
        // The watch covers its rounds: the time of the last one, not when the result was put together.
        WatchResult result = new(_targets, StoppedBecause.Value, _lastRoundElapsed, diffs) { Marks = [.. _marks], GoExplanations = explanations, NodeExplanations = nodeExplanations };
        foreach (IWatchSink sink in _sinks)
        {
            await sink.OnEndAsync(result);
            DeliverNotices();
        }

        return result;
    }

    private async Task<StopReason> LoopAsync(PeriodicTimer timer, CancellationToken cancel)
    {
        Task<bool>? pendingTick = null;
        while (true)
        {
            await RoundAsync(cancel);
            if (StopCondition() is { } reason)
            {
                return reason;
            }

            if (_time is Replay.ReplayClock replay)
            {
                // A replay does not wait: its next round is the next interval of the recording.
                replay.Advance(TimeSpan.FromSeconds(Settings.IntervalSeconds));
                if (cancel.IsCancellationRequested)
                {
                    return StopReason.Cancelled;
                }

                continue;
            }

            try
            {
                // A target whose process exits is read at once (its end recorded when it happened), not an interval later;
                // the tick waited for stays pending for the next turn (a periodic timer allows one wait at a time).
                Task<bool> tick = pendingTick ??= timer.WaitForNextTickAsync(cancel).AsTask();
                Task[] running = RootsStillRunning();
                if (running.Length > 0 && await Task.WhenAny(tick, Task.WhenAny(running)) != tick)
                {
                    continue; // a target's process exited: a round now, the tick still pending
                }

                pendingTick = null;
                if (!await tick)
                {
                    return StopReason.Cancelled;
                }
            }
            catch (OperationCanceledException)
            {
                return StopReason.Cancelled;
            }
        }
    }

    /// <summary>One round: every target read and recorded, changes and notices told, the round's end told.</summary>
    private async Task RoundAsync(CancellationToken cancel)
    {
        _lastRoundElapsed = ElapsedSeconds;
        double t = StartAt + _lastRoundElapsed;
        bool costly = t - _lastCostlyRead >= Settings.PssEverySeconds;
        if (costly)
        {
            _lastCostlyRead = t;
        }

        foreach (WatchTarget target in _targets)
        {
            if (target.Exited)
            {
                continue;
            }

            IReadOnlyList<SignalReadings> readings = await target.ReadAsync(t, costly, cancel);
            if (target.Tree.Ended)
            {
                target.Exited = true;
                target.ExitedAtSeconds = t;
                if (target.Launched?.ExitDescription is { } how)
                {
                    Notice($"{target.Label} {how}");
                }
                foreach (IWatchSink sink in _sinks)
                {
                    sink.OnTargetExited(target);
                }

                continue;
            }

            Record(target, t, readings);
        }

        foreach (WatchTarget target in _targets)
        {
            ReportChanges(target, t);
        }

        DeliverNotices();
        Rounds++;
        foreach (IWatchSink sink in _sinks)
        {
            sink.OnRoundEnd(this);
        }

        DeliverNotices(); // what the sinks said at the round's end (a rule fired) is told now, not a round later
    }

    private void Record(WatchTarget target, double t, IReadOnlyList<SignalReadings> readings)
    {
        foreach (SignalReadings read in readings)
        {
            if (read.OomKills > 0)
            {
                OomKilled(target, t, read.OomKills);
            }

            if (read.Restart is { } why)
            {
                Restarted(target, t, why);
            }

            foreach (double live in read.FullCollections)
            {
                target.Detectors.Collections.Add(t, live);
            }
        }

        foreach (SignalReadings read in readings)
        {
            foreach ((string name, double value, double at) in read.Values)
            {
                SeriesKey key = target.KeyOf(name);
                if (target.Detectors.Record(key, at, value) is null)
                {
                    continue; // a per-process series over the cap
                }

                target.Track(key).Saw(at, value, Rounds);
                foreach (IWatchSink sink in _sinks)
                {
                    sink.OnSample(target, key, at, value);
                }
            }

            foreach (string notice in read.Notices)
            {
                Notice(notice);
            }
        }
    }

    /// <summary>
    /// The target's processes were all replaced (a service restarted): a mark on the time line, and every series judged
    /// from here on (the drop of a restart is not a garbage collection; a floor that rises again after it still leaks).
    /// </summary>
    private void Restarted(WatchTarget target, double t, string why)
    {
        target.Restarts++;
        target.Projection = null;
        target.Detectors.MarkRestart(t);
        TimelineMark mark = new(t, TimelineMark.Restart, 0);
        _marks.Add(mark);
        Notice($"{target.Label} restarted at t={t:0.#}s: {why}");
        foreach (IWatchSink sink in _sinks)
        {
            sink.OnMark(this, mark);
        }
    }

    /// <summary>The kernel killed processes of the target at its limit: told with how close the projected time to the limit was.</summary>
    private void OomKilled(WatchTarget target, double t, int count)
    {
        (string Series, double From, double At)? p = target.Projection;
        OomKill kill = new(t, count, p?.Series, p?.From, p?.At);
        target.AddOomKill(kill);
        target.Projection = null;
        Notice(kill.Describe(target.Label));
    }

    /// <summary>The first time to the limit a tree-level leak projects since the target last (re)started, for an OOM kill to be weighed against.</summary>
    private static void Project(WatchTarget target, SeriesKey key, SeriesVerdict now, double t)
    {
        // A cgroup is killed when its working set reaches the limit: that is the series its projection rests on.
        bool projects = key.IsTreeLevel && (target.Cgroup is null || key.Signal == Core.Signals.PageCache.WorkingSet);
        // After a restart, only once the new process has been watched for the minimum span: a projection then rests on
        // its own rise, not on the old process's peak.
        bool ownLife = now.RestartedAtSeconds is not { } restarted || t - restarted >= target.Detectors.Options.MinSpanSeconds;
        if (target.Projection is null && projects && ownLife && now.Verdict == Verdict.Leak && now.TimeToLimitSeconds is { } ttl)
        {
            target.Projection = (key.Name, t, t + ttl);
        }
    }

    /// <summary>Tells the sinks of every series whose verdict changed this round.</summary>
    private void ReportChanges(WatchTarget target, double t)
    {
        foreach ((SeriesKey key, SeriesTrack track) in target.Tracks)
        {
            if (track.Round != Rounds)
            {
                continue; // no sample this round: no new verdict
            }

            SeriesVerdict now = target.Detectors[key].Current;
            Project(target, key, now, t);
            if (now.Verdict == track.Verdict)
            {
                continue;
            }

            Verdict before = track.Verdict;
            track.Verdict = now.Verdict;
            track.VerdictSince = t;
            foreach (IWatchSink sink in _sinks)
            {
                sink.OnVerdictChange(target, key, before, now);
            }
        }
    }

    /// <summary>The exits of the targets' root processes still running (launched or attached; none for replays).</summary>
    private Task[] RootsStillRunning() =>
        [.. _targets.Where(t => !t.Exited).Select(t => t.RootExited).OfType<Task>().Where(e => !e.IsCompleted)];

    private StopReason? StopCondition()
    {
        if (_stopRequested)
        {
            return StopReason.Cancelled;
        }

        if (_targets.All(t => t.Exited))
        {
            return StopReason.TargetsExited;
        }

        if (Settings.DurationSeconds is { } d && _lastRoundElapsed >= d - 1e-9)
        {
            return StopReason.Duration;
        }

        if (Settings.UntilVerdict && _targets.Where(t => !t.Exited).All(t => t.IsDecided()) && !_sinks.Any(s => s.HoldsTheWatch(this)))
        {
            return StopReason.Verdict;
        }

        return null;
    }

    private void DeliverNotices()
    {
        while (_pendingNotices.TryDequeue(out string? message))
        {
            lock (_noticeGate)
            {
                _recentNotices.Enqueue(message);
                while (_recentNotices.Count > RecentNoticesKept)
                {
                    _recentNotices.Dequeue();
                }
            }

            foreach (IWatchSink sink in _sinks)
            {
                sink.OnNotice(message);
            }
        }
    }

    /// <summary>A launched target ends with its watch: stopped cleanly (SIGTERM, then SIGKILL after 5 s).</summary>
    private async Task StopLaunchedAsync()
    {
        foreach (WatchTarget target in _targets)
        {
            if (target.Launched is { } launched)
            {
                await launched.StopAsync(TimeSpan.FromSeconds(5));
            }
        }
    }
}
