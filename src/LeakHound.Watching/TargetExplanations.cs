using LeakHound.Probes.DotNet.Heap;
using LeakHound.Probes.Go;
using LeakHound.Probes.Node;

namespace LeakHound.Watching;

/// <summary>An explanation taken during a watch (a heap diff, a Go program's growth): when it started and what it found, or why it failed.</summary>
public sealed record ExplanationOutcome<T>(double StartedAtSeconds, T? Result, string? Error) where T : class;

/// <summary>
/// The explanations of one kind that a watch takes of its targets, at most one per target, in the background so that
/// sampling never waits: started by a rule or <c>--explain-on-leak</c>, collected (with a time limit) when the watch ends.
/// </summary>
/// <param name="watch">The watch they belong to (its clock, its notices).</param>
/// <param name="what">What is taken, for people ("heap diff").</param>
/// <param name="doing">What starting one does to a target, told with why ("taking a heap diff (10s between snapshots)").</param>
/// <param name="take">Takes one.</param>
/// <param name="fails">The exceptions that mean "could not be taken" (told, kept as the outcome's error).</param>
/// <param name="found">What one found, told when it is collected (null: nothing told).</param>
public sealed class TargetExplanations<T>(WatchEngine watch, string what, Func<WatchTarget, string> doing, Func<WatchTarget, Task<T>> take,
    Func<Exception, bool> fails, Func<T, string>? found = null) where T : class
{
    private readonly Dictionary<WatchTarget, (double StartedAt, Task<T> Task)> _running = [];
    private readonly Lock _gate = new();

    /// <summary>One still being taken.</summary>
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

    /// <summary>Those finished so far with a result (for the outputs that show them while the watch goes on).</summary>
    public IReadOnlyList<(WatchTarget Target, T Result)> Finished()
    {
        lock (_gate)
        {
            return [.. _running.Where(r => r.Value.Task.IsCompletedSuccessfully).Select(r => (r.Key, r.Value.Task.Result))];
        }
    }

    /// <summary>Starts one for a target; false when one was already taken in this watch.</summary>
    public bool Start(WatchTarget target, string why)
    {
        lock (_gate)
        {
            if (_running.ContainsKey(target))
            {
                return false;
            }

            watch.Notice($"{target.Label}: {why}; {doing(target)}");
            _running[target] = (watch.Now, Task.Run(() => take(target)));
            return true;
        }
    }

    /// <summary>Waits (up to <paramref name="limit"/>) for those still running; a failed one says why.</summary>
    internal async Task<IReadOnlyDictionary<WatchTarget, ExplanationOutcome<T>>> CollectAsync(TimeSpan limit)
    {
        KeyValuePair<WatchTarget, (double StartedAt, Task<T> Task)>[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        Dictionary<WatchTarget, ExplanationOutcome<T>> outcomes = [];
        foreach ((WatchTarget target, (double startedAt, Task<T> task)) in running)
        {
            try
            {
                T result = await task.WaitAsync(limit);
                outcomes[target] = new ExplanationOutcome<T>(startedAt, result, null);
                if (found?.Invoke(result) is { } said)
                {
                    watch.Notice($"{target.Label}: {said}");
                }
            }
            catch (Exception e) when (e is TimeoutException or OperationCanceledException || fails(e))
            {
                watch.Notice($"{what} of {target.Label} failed: {e.Message}");
                outcomes[target] = new ExplanationOutcome<T>(startedAt, null, e.Message);
            }
        }

        return outcomes;
    }
}

/// <summary>The kinds of explanation a watch takes: a .NET target's heap diff, a Node.js target's allocation sites, a Go target's goroutines and heap.</summary>
internal static class Explanations
{
    /// <summary>Two snapshots <see cref="WatchSettings.HeapDiffIntervalSeconds"/> apart, the ten types that grew most.</summary>
    public static TargetExplanations<HeapDiffResult> HeapDiffs(WatchEngine watch)
    {
        double interval = watch.Settings.HeapDiffIntervalSeconds;
        return new(watch, "heap diff", _ => $"taking a heap diff ({interval:0.#}s between snapshots)",
            target => HeapDiffRunner.RunAsync(target.RootPid, interval, 2, 10, Path.GetTempPath(), _ => { }, CancellationToken.None),
            e => e is HeapSnapshotException or IOException);
    }

    /// <summary>
    /// Three sampling heap profiles over <see cref="WatchSettings.HeapDiffIntervalSeconds"/>, through the inspector the
    /// target's gauges already read (<c>--node-inspector</c>), which stays open until the watch ends.
    /// </summary>
    public static TargetExplanations<NodeExplanation> Node(WatchEngine watch)
    {
        double window = watch.Settings.HeapDiffIntervalSeconds;
        bool snapshots = watch.Settings.NodeHeapSnapshots;
        return new(watch, "explanation", target => $"sampling its heap allocations through its inspector (3 profiles{(snapshots ? " and heap snapshots" : "")} over {window:0.#}s)",
            async target =>
            {
                NodeInspectorSource source = target.NodeInspector ?? throw new NodeInspectorException($"{target.Label} has no --node-inspector");
                InspectorSession session = await source.SessionAsync(TimeSpan.FromSeconds(15));
                return await NodeExplainer.RunAsync(session, window, 3, 10, _ => { }, CancellationToken.None, snapshots);
            },
            e => e is NodeInspectorException,
            result => result.Growing.Count > 0
                ? $"live memory grows at {result.Growing[0].Site.Site} ({Core.Units.Quantity.FormatBytes(result.Growing[0].BytesPerSecond)}/s)"
                : "no allocation site's live memory grows beyond the sampler's noise");
    }

    /// <summary>Three snapshots of goroutines and heap over <see cref="WatchSettings.HeapDiffIntervalSeconds"/>, through the target's pprof.</summary>
    public static TargetExplanations<GoExplanation> Go(WatchEngine watch)
    {
        double window = watch.Settings.HeapDiffIntervalSeconds;
        return new(watch, "explanation", target => $"reading its goroutines and heap from {target.Pprof} (3 snapshots over {window:0.#}s)",
            async target =>
            {
                using PprofEndpoint endpoint = new(target.Pprof ?? throw new PprofException($"{target.Label} has no --pprof-url"), TimeSpan.FromSeconds(30));
                return await GoExplainer.RunAsync(endpoint, target.RootPid > 0 ? target.RootPid : null, window, 3, 10, _ => { }, CancellationToken.None);
            },
            e => e is PprofException,
            result => (result.Goroutines.Count > 0
                    ? $"goroutines grow in {result.Goroutines[0].Stack.Blocked} ({result.Goroutines[0].PerSecond:0.##}/s)"
                    : "no goroutine stack grows")
                + (result.Heap.Count > 0 ? $"; heap grows at {result.Heap[0].Site.AllocatedAt} ({Core.Units.Quantity.FormatBytes(result.Heap[0].BytesPerSecond)}/s)" : "; no heap site grows"));
    }
}
