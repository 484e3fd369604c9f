using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.DotNet.EventPipe;

namespace LeakHound.Watching.Sinks;

/// <summary>
/// <c>--heapdiff-on-leak</c>: once a .NET target's managed heap is judged a leak, find which types grow (a heap diff in
/// the background). A watch that stops on a verdict waits for the managed heap's own settled verdict and for the diff.
/// </summary>
public sealed class HeapDiffOnLeakSink : IWatchSink
{
    private static readonly HashSet<string> s_managedHeap = new(StringComparer.Ordinal)
    {
        RuntimeCounterNames.GcHeapSize,
        RuntimeCounterNames.LiveAfterFullGc,
    };

    private WatchEngine? _watch;

    public void OnStart(WatchEngine watch) => _watch = watch;

    public void OnVerdictChange(WatchTarget target, SeriesKey key, Verdict from, SeriesVerdict to)
    {
        if (to.Verdict == Verdict.Leak && key.IsTreeLevel && s_managedHeap.Contains(key.Signal))
        {
            _watch!.HeapDiffs.Start(target, "managed heap leaks");
        }
    }

    public bool HoldsTheWatch(WatchEngine watch) =>
        watch.HeapDiffs.Pending || watch.Targets.Any(t => !t.Exited && t.Runtime is { Attached: true } && !ManagedHeapSettled(t));

    private static bool ManagedHeapSettled(WatchTarget target) =>
        target.Tracks.TryGetValue(target.KeyOf(RuntimeCounterNames.GcHeapSize), out SeriesTrack? heap) && heap.IsSettled;
}
