using LeakHound.Probes.DotNet.Heap;

namespace LeakHound.Watching;

/// <summary>A heap diff taken during a watch: when it started and what it found, or why it could not be taken.</summary>
public sealed record HeapDiffOutcome(double StartedAtSeconds, HeapDiffResult? Result, string? Error);

/// <summary>
/// The heap diffs of a watch's .NET targets, at most one per target: taken in the background (two snapshots
/// <see cref="WatchSettings.HeapDiffIntervalSeconds"/> apart), so that sampling never waits for one.
/// </summary>
public sealed class HeapDiffs(WatchEngine watch)
{
    private readonly Dictionary<WatchTarget, (double StartedAt, Task<HeapDiffResult> Task)> _running = [];
    private readonly Lock _gate = new();

    /// <summary>A heap diff still being taken.</summary>
    public bool Pending
    {
        get
        {
            lock (_gate)
            {
                return _running.Values.Any(r => !r.Task.IsCompleted);
            }
        }
    }

    public bool Started(WatchTarget target)
    {
        lock (_gate)
        {
            return _running.ContainsKey(target);
        }
    }

    /// <summary>Starts a heap diff of a target; false when one was already taken in this watch.</summary>
    public bool Start(WatchTarget target, string why)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(target))
            {
                return false;
            }

            double interval = watch.Settings.HeapDiffIntervalSeconds;
            watch.Notice($"{target.Label}: {why}; taking a heap diff ({interval:0.#}s between snapshots)");
            _running[target] = (watch.Now, Task.Run(() => HeapDiffRunner.RunAsync(target.RootPid, interval, 2, 10, Path.GetTempPath(), _ => { }, CancellationToken.None)));
            return true;
        }
    }

    /// <summary>Waits (up to <paramref name="limit"/>) for the heap diffs still running; a failed one says why.</summary>
    internal async Task<IReadOnlyDictionary<WatchTarget, HeapDiffOutcome>> CollectAsync(TimeSpan limit)
    {
        KeyValuePair<WatchTarget, (double StartedAt, Task<HeapDiffResult> Task)>[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        Dictionary<WatchTarget, HeapDiffOutcome> outcomes = [];
        foreach ((WatchTarget target, (double startedAt, Task<HeapDiffResult> task)) in running)
        {
            try
            {
                outcomes[target] = new HeapDiffOutcome(startedAt, await task.WaitAsync(limit), null);
            }
            catch (Exception e) when (e is HeapSnapshotException or TimeoutException or OperationCanceledException or IOException)
            {
                watch.Notice($"heap diff of {target.Label} failed: {e.Message}");
                outcomes[target] = new HeapDiffOutcome(startedAt, null, e.Message);
            }
        }

        return outcomes;
    }
}
