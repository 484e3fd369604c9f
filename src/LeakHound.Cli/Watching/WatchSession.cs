using System.Diagnostics;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Watching;

/// <summary>Why a watch ended.</summary>
public enum StopReason
{
    TargetsExited,
    Duration,
    Verdict,
    Cancelled,
}

/// <summary>The sampling loop shared by <c>run</c>, <c>watch</c> and <c>demo</c>: sample every target, feed its detectors, refresh the view.</summary>
public sealed class WatchSession(IReadOnlyList<WatchedTarget> targets, WatchSettings settings, SafeTraceWriter? writer, Action<string>? notify = null)
{
    private const int MaxNotices = 5;
    private readonly Queue<string> _notices = new();

    private readonly Stopwatch _clock = new();
    private double _lastPss = double.NegativeInfinity;

    public IReadOnlyList<WatchedTarget> Targets => targets;

    /// <summary>Also receive every sample and the end of every round (the live dashboard, the rules).</summary>
    public List<ISampleSink> Sinks { get; } = [];

    public double ElapsedSeconds => _clock.Elapsed.TotalSeconds;

    /// <summary>Where this session's clock starts on the watch's time line: after the last stored sample when resumed.</summary>
    public double StartAt { get; init; }

    public StopReason? StoppedBecause { get; private set; }

    /// <summary>The last few notices (scrape failures and recoveries), newest last.</summary>
    public IReadOnlyCollection<string> Notices => _notices;

    /// <summary>Runs until a stop condition; <paramref name="refresh"/> is called after every round of samples.</summary>
    public async Task RunAsync(Action refresh, CancellationToken cancel)
    {
        _clock.Start();
        using PeriodicTimer timer = new(TimeSpan.FromSeconds(settings.IntervalSeconds));
        while (true)
        {
            await SampleAllAsync(cancel);
            Sinks.ForEach(sink => sink.OnRoundEnd(targets));
            refresh();
            if (StopCondition() is { } reason)
            {
                StoppedBecause = reason;
                return;
            }

            try
            {
                if (!await timer.WaitForNextTickAsync(cancel))
                {
                    break;
                }
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        StoppedBecause = StopReason.Cancelled;
    }

    private StopReason? StopCondition()
    {
        if (targets.All(t => t.Exited))
        {
            return StopReason.TargetsExited;
        }

        if (settings.DurationSeconds is { } d && ElapsedSeconds >= d)
        {
            return StopReason.Duration;
        }

        if (settings.UntilVerdict && targets.Where(t => !t.Exited).All(t => t.Book.IsDecided() && ManagedHeapSettled(t)) && !HeapDiffPending)
        {
            return StopReason.Verdict;
        }

        return null;
    }

    private async Task SampleAllAsync(CancellationToken cancel)
    {
        double t = StartAt + ElapsedSeconds;
        bool readPss = t - _lastPss >= settings.PssEverySeconds;
        if (readPss)
        {
            _lastPss = t;
        }

        foreach (WatchedTarget target in targets)
        {
            if (target.Exited)
            {
                continue;
            }

            TreeSnapshot snap = target.Sampler.Sample(readPss);
            if (snap.Processes.Count == 0)
            {
                target.Exited = true;
                target.ExitedAtSeconds = t;
                continue;
            }

            target.MaxProcesses = Math.Max(target.MaxProcesses, snap.ProcessCount);
            Record(target, t, "rss", snap.Rss);
            Record(target, t, "anon", snap.Anon);
            Record(target, t, "swap", snap.Swap);
            if (readPss)
            {
                Record(target, t, "pss", snap.Pss);
            }

            Record(target, t, "threads", snap.Threads);
            Record(target, t, "fds", snap.Fds);
            Record(target, t, "procs", snap.ProcessCount);
            if (settings.PerProcess && target.MaxProcesses > 1)
            {
                foreach (ProcessSample p in snap.Processes)
                {
                    string labels = $"{{pid=\"{p.Pid}\",comm=\"{p.Name.Replace("\"", "'")}\"}}";
                    Record(target, t, "rss" + labels, p.RssBytes);
                    Record(target, t, "threads" + labels, p.Threads);
                    Record(target, t, "fds" + labels, p.OpenFds);
                }
            }

            await ScrapeAsync(target, t, cancel);
            ReadRuntimeCounters(target, t, snap);
        }

        writer?.Flush();
    }

    /// <summary>Scrapes every endpoint of a target in parallel; a failure is a notice, never an end of the watch.</summary>
    private async Task ScrapeAsync(WatchedTarget target, double t, CancellationToken cancel)
    {
        if (target.Scrapers.Count == 0)
        {
            return;
        }

        LeakHound.Probes.Prometheus.ScrapeResult[] results;
        try
        {
            results = await Task.WhenAll(target.Scrapers.Select(s => s.ScrapeAsync(t, cancel)));
        }
        catch (OperationCanceledException)
        {
            return;
        }

        foreach (LeakHound.Probes.Prometheus.ScrapeResult result in results)
        {
            foreach ((string series, double value) in result.Values)
            {
                Record(target, t, series, value);
            }
        }

        foreach (LeakHound.Probes.Prometheus.MetricsScraper scraper in target.Scrapers)
        {
            if (scraper.TakeEpisodeMessage() is { } message)
            {
                Notice(message);
            }
        }
    }

    /// <summary>Attempts to attach (a launched .NET process publishes its IPC socket only after it starts), then records new batches.</summary>
    private void ReadRuntimeCounters(WatchedTarget target, double t, TreeSnapshot snap)
    {
        if (!settings.RuntimeCounters)
        {
            return;
        }

        if (target.Runtime is null)
        {
            const int maxAttempts = 5;
            if (target.RuntimeAttempts >= maxAttempts || t - target.RuntimeLastAttempt < 1)
            {
                return;
            }

            target.RuntimeAttempts++;
            target.RuntimeLastAttempt = t;
            target.Runtime = LeakHound.Probes.EventPipe.RuntimeCounterSession.TryStart(target.RootPid, settings.IntervalSeconds, out string? error);
            if (target.Runtime is not null)
            {
                Notice($"{target.Label}: reading .NET runtime counters over EventPipe");
            }
            else if (LeakHound.Probes.EventPipe.RuntimeCounterSession.IsDotnet(target.RootPid) && target.RuntimeAttempts == maxAttempts)
            {
                Notice($"{target.Label}: .NET runtime counters unavailable ({error}); /proc signals only");
            }

            return;
        }

        IReadOnlyDictionary<string, double> batch = target.Runtime.TakeNew();
        (long fullCollections, double? liveAfter) = target.Runtime.FullCollections;
        if (fullCollections > target.FullCollectionsRecorded && liveAfter is { } live)
        {
            target.FullCollections.Add(t, live);
            target.FullCollectionsRecorded = fullCollections;
        }

        foreach ((string series, double value) in batch)
        {
            Record(target, t, series, value);
        }

        StartHeapDiffOnLeak(target);

        // How resident memory splits: the GC's committed memory (or its heap size) against everything else.
        double? managed = batch.TryGetValue(LeakHound.Probes.EventPipe.RuntimeCounterNames.GcCommitted, out double committed) ? committed
            : batch.TryGetValue(LeakHound.Probes.EventPipe.RuntimeCounterNames.GcHeapSize, out double heap) ? heap : null;
        ProcessSample? root = snap.Processes.FirstOrDefault(p => p.Pid == target.RootPid);
        if (managed is { } m && root is not null)
        {
            Record(target, t, LeakHound.Probes.EventPipe.RuntimeCounterNames.NonManaged, Math.Max(0, root.RssBytes - m));
        }
    }

    /// <summary>--heapdiff-on-leak: once the managed heap is judged a leak, find which types grow (in the background).</summary>
    private void StartHeapDiffOnLeak(WatchedTarget target)
    {
        if (!settings.HeapDiffOnLeak || target.HeapDiff is not null
            || !(IsLeak(target, LeakHound.Probes.EventPipe.RuntimeCounterNames.GcHeapSize)
                 || IsLeak(target, LeakHound.Probes.EventPipe.RuntimeCounterNames.LiveAfterFullGc)))
        {
            return;
        }

        StartHeapDiff(target, "managed heap leaks");
    }

    private static bool IsLeak(WatchedTarget target, string series) =>
        target.Book.SeriesNames.Contains(series) && target.Book[series].Verdict == LeakHound.Core.Verdicts.Verdict.Leak;

    /// <summary>Takes a heap diff of a .NET target in the background, once per watch; false when one was already taken.</summary>
    public bool StartHeapDiff(WatchedTarget target, string why)
    {
        if (target.HeapDiff is not null)
        {
            return false;
        }

        double t = StartAt + ElapsedSeconds;
        Notice($"{target.Label}: {why}; taking a heap diff ({settings.HeapDiffIntervalSeconds:0.#}s between snapshots)");
        target.HeapDiffStartedAt = t;
        target.HeapDiff = Task.Run(() => Commands.HeapDiffRunner.RunAsync(
            target.RootPid, settings.HeapDiffIntervalSeconds, 2, 10, Path.GetTempPath(), _ => { }, CancellationToken.None));
        return true;
    }

    /// <summary>With --heapdiff-on-leak, a .NET target is not done until its managed heap has its own settled verdict.</summary>
    private bool ManagedHeapSettled(WatchedTarget target) =>
        !settings.HeapDiffOnLeak || target.Runtime is null
        || (target.Book.SeriesNames.Contains(LeakHound.Probes.EventPipe.RuntimeCounterNames.GcHeapSize)
            && target.Book[LeakHound.Probes.EventPipe.RuntimeCounterNames.GcHeapSize].IsSettled);

    /// <summary>Whether a target's automatic heap diff is still running (the watch waits for it before it ends).</summary>
    public bool HeapDiffPending => targets.Any(t => t.HeapDiff is { IsCompleted: false });

    private void Notice(string message)
    {
        _notices.Enqueue(message);
        while (_notices.Count > MaxNotices)
        {
            _notices.Dequeue();
        }

        notify?.Invoke(message);
    }

    private void Record(WatchedTarget target, double t, string series, double? value)
    {
        if (value is not { } v)
        {
            return;
        }

        // A scraped runtime's GC counter marks its full collections: the evidence its heap series' leak verdicts need.
        if (v > 0 && series != LeakHound.Core.Signals.FullCollections.Gen2RateSeries && LeakHound.Core.Signals.RuntimeHeaps.CountsFullCollections(series))
        {
            target.FullCollections.Add(t);
        }

        target.Book.Record(t, series, v);
        foreach (ISampleSink sink in Sinks)
        {
            sink.OnSample(target, t, series, v);
        }

        writer?.Write(t, targets.Count > 1 ? $"{target.Label}/{series}" : series, v);
    }
}
