using LeakHound.Cli.Commands;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Store;

namespace LeakHound.Cli.Watching;

/// <summary>Writes a watch into the SQLite history, one transaction per round; opens, resumes and replays it.</summary>
public sealed class StoreSink : ISampleSink
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
    /// <returns>Null when the default store cannot be used (a warning says why; the watch runs without history).</returns>
    public static StoreSink? Open(string command, IReadOnlyList<WatchedTarget> targets, WatchSettings settings)
    {
        WatchStore store;
        try
        {
            store = WatchStore.Open(settings.StorePath!, message => Console.Error.WriteLine($"leakhound: {message}"));
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            if (settings.StoreIsDefault && !settings.Resume)
            {
                Console.Error.WriteLine($"leakhound: no watch history this time: cannot open '{settings.StorePath}' ({e.Message}); --no-store silences this");
                return null;
            }

            throw new LeakHoundException($"--store: cannot open '{settings.StorePath}': {e.Message}");
        }

        StoreSink sink = new(store, targets.Count > 1);
        try
        {
            if (settings.RetentionSeconds is { } keep && store.DeleteEndedBefore(DateTimeOffset.UtcNow.AddSeconds(-keep)) is > 0 and var deleted)
            {
                Console.Error.WriteLine($"leakhound: deleted {deleted} watches older than --retention from {settings.StorePath}");
            }

            string labels = string.Join(", ", targets.Select(t => t.Label));
            if (settings.Resume)
            {
                WatchRecord found = store.FindResumable(command, settings.ResumeId)
                    ?? throw new LeakHoundException(settings.ResumeId is { } id
                        ? $"--resume: no watch {id} in {settings.StorePath} (see leakhound history)"
                        : $"--resume: no unfinished '{command}' watch in {settings.StorePath} (see leakhound history)");
                store.Resume(found.Id);
                sink.Replay(targets);
                sink.StartAt = found.LastT + settings.IntervalSeconds;
                Console.Error.WriteLine($"leakhound: resuming watch {found.Id} ({found.Samples:N0} samples up to {found.LastT:0.#}s) of {found.Targets}");
            }
            else
            {
                store.Begin(command, labels);
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            store.Dispose();
            if (settings.StoreIsDefault && !settings.Resume)
            {
                Console.Error.WriteLine($"leakhound: no watch history this time: cannot write '{settings.StorePath}' ({e.Message}); --no-store silences this");
                return null;
            }

            throw new LeakHoundException($"--store: cannot use '{settings.StorePath}': {e.Message}");
        }

        return sink;
    }

    public void OnSample(WatchedTarget target, double t, string series, double value) =>
        _store.Add(t, _prefix ? $"{target.Label}/{series}" : series, value);

    public void OnRoundEnd(IReadOnlyList<WatchedTarget> targets) => _store.Commit();

    /// <summary>Feeds every stored sample to the detectors, in time order: the same verdict state as before the interruption.</summary>
    private void Replay(IReadOnlyList<WatchedTarget> targets)
    {
        // The full collections of .NET targets first: the managed heap's verdicts need them as evidence.
        Dictionary<WatchedTarget, List<(double, string, double)>> collections = [];
        foreach ((double t, string name, double value) in _store.Samples(_store.WatchId))
        {
            (WatchedTarget target, string series) = Owner(targets, name);
            if (series is FullCollections.LiveAfterSeries || RuntimeHeaps.CountsFullCollections(series))
            {
                if (!collections.TryGetValue(target, out List<(double, string, double)>? rows))
                {
                    rows = [];
                    collections[target] = rows;
                }

                rows.Add((t, series, value));
            }
        }

        foreach ((WatchedTarget target, List<(double, string, double)> rows) in collections)
        {
            target.FullCollections.AddRecorded(Trace.From(rows));
        }

        foreach ((double t, string name, double value) in _store.Samples(_store.WatchId))
        {
            (WatchedTarget target, string series) = Owner(targets, name);
            target.Book.Record(t, series, value);
        }
    }

    /// <summary>A stored series name is prefixed with its target's label when the watch had several targets.</summary>
    private (WatchedTarget Target, string Series) Owner(IReadOnlyList<WatchedTarget> targets, string name) =>
        _prefix && name.IndexOf('/') is var slash and > 0
            ? (targets.FirstOrDefault(x => x.Label == name[..slash]) ?? targets[0], name[(slash + 1)..])
            : (targets[0], name);
}
