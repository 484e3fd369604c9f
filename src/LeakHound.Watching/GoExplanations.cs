using LeakHound.Probes.Go;

namespace LeakHound.Watching;

/// <summary>An explanation of a Go target taken during a watch: when it started and what it found, or why it failed.</summary>
public sealed record GoExplanationOutcome(double StartedAtSeconds, GoExplanation? Result, string? Error);

/// <summary>
/// The explanations of a watch's Go targets (through their pprof), at most one per target, taken in the background:
/// three snapshots of goroutines and heap over <see cref="WatchSettings.HeapDiffIntervalSeconds"/>, so that sampling never waits.
/// </summary>
public sealed class GoExplanations(WatchEngine watch)
{
    private readonly Dictionary<WatchTarget, (double StartedAt, Task<GoExplanation> Task)> _running = [];
    private readonly Lock _gate = new();

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

    /// <summary>Starts explaining a target with a pprof endpoint; false when it has none or one was already taken.</summary>
    public bool Start(WatchTarget target, string why)
    {
        if (target.Pprof is not { } pprof)
        {
            return false;
        }

        lock (_gate)
        {
            if (_running.ContainsKey(target))
            {
                return false;
            }

            double window = watch.Settings.HeapDiffIntervalSeconds;
            watch.Notice($"{target.Label}: {why}; reading its goroutines and heap from {pprof} (3 snapshots over {window:0.#}s)");
            _running[target] = (watch.Now, Task.Run(async () =>
            {
                using PprofEndpoint endpoint = new(pprof, TimeSpan.FromSeconds(30));
                return await GoExplainer.RunAsync(endpoint, target.RootPid > 0 ? target.RootPid : null, window, 3, 10, _ => { }, CancellationToken.None);
            }));
            return true;
        }
    }

    /// <summary>Waits (up to <paramref name="limit"/>) for the explanations still running; a failed one says why.</summary>
    internal async Task<IReadOnlyDictionary<WatchTarget, GoExplanationOutcome>> CollectAsync(TimeSpan limit)
    {
        KeyValuePair<WatchTarget, (double StartedAt, Task<GoExplanation> Task)>[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        Dictionary<WatchTarget, GoExplanationOutcome> outcomes = [];
        foreach ((WatchTarget target, (double startedAt, Task<GoExplanation> task)) in running)
        {
            try
            {
                GoExplanation result = await task.WaitAsync(limit);
                outcomes[target] = new GoExplanationOutcome(startedAt, result, null);
                watch.Notice($"{target.Label}: " + (result.Goroutines.Count > 0
                    ? $"goroutines grow in {result.Goroutines[0].Stack.Blocked} ({result.Goroutines[0].PerSecond:0.##}/s)"
                    : "no goroutine stack grows")
                    + (result.Heap.Count > 0 ? $"; heap grows at {result.Heap[0].Site.AllocatedAt} ({Core.Units.Quantity.FormatBytes(result.Heap[0].BytesPerSecond)}/s)" : "; no heap site grows"));
            }
            catch (Exception e) when (e is PprofException or TimeoutException or OperationCanceledException)
            {
                watch.Notice($"explanation of {target.Label} failed: {e.Message}");
                outcomes[target] = new GoExplanationOutcome(startedAt, null, e.Message);
            }
        }

        return outcomes;
    }
}
