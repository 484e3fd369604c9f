using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Watching;

namespace LeakHound.Store;

/// <summary>Where a watch keeps its history, and whether it continues an earlier one.</summary>
/// <param name="Path">The SQLite file.</param>
/// <param name="IsDefault">The default store (no --store given): one that cannot be opened is a warning, not an error.</param>
/// <param name="Resume">Continue an unfinished stored watch.</param>
/// <param name="ResumeId">Which one (null: the newest unfinished watch of the command).</param>
/// <param name="RetentionSeconds">Stored watches that ended longer ago are deleted when the store is opened.</param>
public sealed record StoreSettings(string Path, bool IsDefault = false, bool Resume = false, long? ResumeId = null, double? RetentionSeconds = null);

/// <summary>
/// Writes a watch into the SQLite history, one transaction per round (a watcher killed with SIGKILL loses at most the
/// round in flight); opens, resumes and replays it. Series are named <c>target/series</c> when the watch has several
/// targets, like the trace file.
/// </summary>
public sealed class StoreSink : IWatchSink, IDisposable
{
    private readonly WatchStore _store;
    private readonly bool _prefix;

    private StoreSink(WatchStore store, bool prefix)
    {
        _store = store;
        _prefix = prefix;
    }

    public WatchStore Store => _store;

    /// <summary>Where the resumed watch's time line continues; 0 for a new watch.</summary>
    public double StartAt { get; private set; }

    /// <summary>The resumed watch's gaps and restarts, this resumption's among them (none for a new watch).</summary>
    public IReadOnlyList<TimelineMark> Marks { get; private set; } = [];

    /// <summary>Opens the store, starts a new watch or resumes one (replaying its samples into the targets' detectors).</summary>
    /// <param name="command">The command, as the history lists it.</param>
    /// <param name="targets">The watch's targets.</param>
    /// <param name="settings">Where and how.</param>
    /// <param name="intervalSeconds">The watch's interval: a resumed time line continues one interval after its last sample.</param>
    /// <param name="warn">Tells people what happened to the history (resumed, deleted old watches, not kept this time).</param>
    /// <returns>Null when the default store cannot be used (a warning says why; the watch runs without history).</returns>
    /// <exception cref="WatchException">A store that was asked for cannot be used, or there is nothing to resume.</exception>
    /// <param name="now">The wall clock (tests); the system's when null.</param>
    public static StoreSink? Open(string command, IReadOnlyList<WatchTarget> targets, StoreSettings settings, double intervalSeconds, Action<string> warn,
        DateTimeOffset? now = null)
    {
        WatchStore store;
        try
        {
            store = WatchStore.Open(settings.Path, warn);
        }
        catch (StoreException e)
        {
            throw new WatchException($"--store: {e.Message}"); // damaged: never written on, default store or not
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            if (settings.IsDefault && !settings.Resume)
            {
                warn($"no watch history this time: cannot open '{settings.Path}' ({e.Message}); --no-store silences this");
                return null;
            }

            throw new WatchException($"--store: cannot open '{settings.Path}': {e.Message}");
        }

        StoreSink sink = new(store, targets.Count > 1);
        try
        {
            if (settings.RetentionSeconds is { } keep && store.DeleteEndedBefore(DateTimeOffset.UtcNow.AddSeconds(-keep)) is > 0 and var deleted)
            {
                warn($"deleted {deleted} watches older than --retention from {settings.Path}");
            }

            string commandLine = string.Join("\n", targets.Select(t => t.CommandLine));
            string processes = string.Join(",", targets.Select(t => t.RootIdentity is { } id ? ProcessKeys.Of(id) : ""));
            if (settings.Resume)
            {
                WatchRecord found = store.FindResumable(command, commandLine, settings.ResumeId);
                store.Resume(found.Id);
                sink.Replay(targets);
                sink.ContinueTimeLine(found, targets, processes, intervalSeconds, now ?? DateTimeOffset.UtcNow, warn);
            }
            else
            {
                store.Begin(command, string.Join(", ", targets.Select(t => t.Label)), commandLine, processes);
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or WatchException or StoreException)
        {
            store.Dispose();
            if (e is WatchException)
            {
                throw;
            }

            if (e is StoreException)
            {
                throw new WatchException(e.Message);
            }

            if (settings.IsDefault && !settings.Resume)
            {
                warn($"no watch history this time: cannot write '{settings.Path}' ({e.Message}); --no-store silences this");
                return null;
            }

            throw new WatchException($"--store: cannot use '{settings.Path}': {e.Message}");
        }

        return sink;
    }

    /// <summary>
    /// A resumed watch goes on at the wall-clock time since it started: the time the watcher was away is a gap of the
    /// time line (marked in the store), never folded away — a leak that went on during the outage shows its growth at
    /// its true rate, not as one step. A target whose process is not the one the watch had (a launched command starts
    /// anew) is a new segment: its detectors judge it from there, not against the old process's baseline.
    /// </summary>
    private void ContinueTimeLine(WatchRecord found, IReadOnlyList<WatchTarget> targets, string processes, double intervalSeconds, DateTimeOffset now,
        Action<string> warn)
    {
        double next = found.LastT + intervalSeconds;
        double wall = (now - found.Started).TotalSeconds;
        StartAt = Math.Max(next, wall); // a clock set back never rewinds the time line
        double gap = StartAt - found.LastT;
        string away = "";
        if (found.Samples > 0 && gap > 2 * intervalSeconds)
        {
            _store.Mark(new TimelineMark(found.LastT, TimelineMark.Gap, gap));
            away = $"; the watcher was away for {LeakHound.Core.Units.Quantity.FormatDuration(gap)}: a gap on the time line, which goes on at {StartAt:0.#}s";
        }

        string[] before = (found.Processes ?? "").Split(',');
        string[] current = processes.Split(',');
        List<string> restarted = [];
        for (int i = 0; i < targets.Count; i++)
        {
            if (found.Samples > 0 && (i >= before.Length || i >= current.Length || before[i] != current[i] || current[i].Length == 0))
            {
                targets[i].Detectors.MarkRestart(StartAt);
                restarted.Add(targets[i].Label);
            }
        }

        if (restarted.Count > 0)
        {
            _store.Mark(new TimelineMark(StartAt, TimelineMark.Restart, 0));
        }

        Marks = _store.Marks(found.Id);
        string fresh = restarted.Count > 0 ? $"; a new process ({string.Join(", ", restarted)}) is judged from t={StartAt:0.#}s" : "";
        warn($"resuming watch {found.Id} ({found.Samples:N0} samples up to {found.LastT:0.#}s) of {found.Targets}{away}{fresh}");
    }

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value) =>
        _store.Add(t, _prefix ? key.ToString() : key.Name, value);

    public void OnMark(WatchEngine watch, TimelineMark mark) => _store.Mark(mark);

    public void OnRoundEnd(WatchEngine watch) => _store.Commit();

    public Task OnEndAsync(WatchResult result)
    {
        _store.Commit();
        _store.End(result.StoppedBecause.ToName(), Outcome(result));
        return Task.CompletedTask;
    }

    public void Dispose() => _store.Dispose();

    /// <summary>What a watch concluded, for the history: the leaking series, or the absence of a leak.</summary>
    private static string Outcome(WatchResult result)
    {
        string[] leaks = [.. result.Verdicts.Where(v => v.Verdict.Verdict == LeakHound.Core.Verdicts.Verdict.Leak)
            .Select(v => result.Targets.Count > 1 ? $"{v.Target.Label}/{v.Verdict.Series}" : v.Verdict.Series).Distinct()];
        string exit = string.Join("; ", result.Targets.Where(t => t.Launched?.ExitDescription is not null).Select(t => $"target {t.Launched!.ExitDescription!.Split(':')[0]}"));
        string verdict = leaks.Length > 0 ? $"leak: {string.Join(", ", leaks.Take(6))}{(leaks.Length > 6 ? ", …" : "")}"
            : result.Verdicts.Any(v => v.Verdict.Verdict == LeakHound.Core.Verdicts.Verdict.Insufficient) && result.Verdicts.All(v => v.Verdict.Verdict is LeakHound.Core.Verdicts.Verdict.Insufficient)
                ? "undecided (insufficient)"
                : "no leak";
        return exit.Length > 0 ? $"{verdict} ({exit})" : verdict;
    }

    /// <summary>
    /// Feeds every stored sample to the detectors, in time order: the same verdict state as before the interruption.
    /// Each target's full collections first, as a trace replay does: its heap series' verdicts need them as evidence.
    /// </summary>
    private void Replay(IReadOnlyList<WatchTarget> targets)
    {
        Dictionary<WatchTarget, List<(double, string, double)>> collections = [];
        foreach ((double t, string name, double value) in _store.Samples(_store.WatchId))
        {
            (WatchTarget target, SeriesKey key) = Owner(targets, name);
            if (key.Name is FullCollections.LiveAfterSeries || RuntimeHeaps.CountsFullCollections(key.Name))
            {
                if (!collections.TryGetValue(target, out List<(double, string, double)>? rows))
                {
                    collections[target] = rows = [];
                }

                rows.Add((t, key.Name, value));
            }
        }

        foreach ((WatchTarget target, List<(double, string, double)> rows) in collections)
        {
            target.Detectors.Collections.AddRecorded(Trace.From(rows));
        }

        foreach ((double t, string name, double value) in _store.Samples(_store.WatchId))
        {
            (WatchTarget target, SeriesKey key) = Owner(targets, name);
            target.Detectors.GetOrAdd(key)?.Add(t, value); // not Record: the collections are in already
        }
    }

    /// <summary>A stored series name carries its target's label when the watch had several targets.</summary>
    private (WatchTarget Target, SeriesKey Key) Owner(IReadOnlyList<WatchTarget> targets, string name)
    {
        SeriesKey stored = SeriesKey.Parse(name);
        WatchTarget target = _prefix ? targets.FirstOrDefault(x => x.Label == stored.Target) ?? targets[0] : targets[0];
        return (target, target.KeyOf(_prefix ? stored.Name : name));
    }
}
