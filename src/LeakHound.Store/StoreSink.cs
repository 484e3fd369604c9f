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

    /// <summary>Opens the store, starts a new watch or resumes one (replaying its samples into the targets' detectors).</summary>
    /// <param name="command">The command, as the history lists it.</param>
    /// <param name="targets">The watch's targets.</param>
    /// <param name="settings">Where and how.</param>
    /// <param name="intervalSeconds">The watch's interval: a resumed time line continues one interval after its last sample.</param>
    /// <param name="warn">Tells people what happened to the history (resumed, deleted old watches, not kept this time).</param>
    /// <returns>Null when the default store cannot be used (a warning says why; the watch runs without history).</returns>
    /// <exception cref="WatchException">A store that was asked for cannot be used, or there is nothing to resume.</exception>
    public static StoreSink? Open(string command, IReadOnlyList<WatchTarget> targets, StoreSettings settings, double intervalSeconds, Action<string> warn)
    {
        WatchStore store;
        try
        {
            store = WatchStore.Open(settings.Path, warn);
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

            if (settings.Resume)
            {
                WatchRecord found = store.FindResumable(command, settings.ResumeId)
                    ?? throw new WatchException(settings.ResumeId is { } id
                        ? $"--resume: no watch {id} in {settings.Path} (see leakhound history)"
                        : $"--resume: no unfinished '{command}' watch in {settings.Path} (see leakhound history)");
                store.Resume(found.Id);
                sink.Replay(targets);
                sink.StartAt = found.LastT + intervalSeconds;
                warn($"resuming watch {found.Id} ({found.Samples:N0} samples up to {found.LastT:0.#}s) of {found.Targets}");
            }
            else
            {
                store.Begin(command, string.Join(", ", targets.Select(t => t.Label)));
            }
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or WatchException)
        {
            store.Dispose();
            if (e is WatchException)
            {
                throw;
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

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value) =>
        _store.Add(t, _prefix ? key.ToString() : key.Name, value);

    public void OnRoundEnd(WatchEngine watch) => _store.Commit();

    public Task OnEndAsync(WatchResult result)
    {
        _store.Commit();
        _store.End(result.StoppedBecause.ToName());
        return Task.CompletedTask;
    }

    public void Dispose() => _store.Dispose();

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
