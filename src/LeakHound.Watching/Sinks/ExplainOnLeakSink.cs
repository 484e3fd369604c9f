using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.DotNet.EventPipe;

namespace LeakHound.Watching.Sinks;

/// <summary>
/// <c>--explain-on-leak</c> (<c>--heapdiff-on-leak</c>): once a target leaks, find what grows, in the background — a
/// heap diff when a .NET target's managed heap is judged a leak; the growing allocation sites when a Node.js target
/// read through its inspector (<c>--node-inspector</c>) has any series judged a leak; the growing goroutine stacks and
/// heap sites when a target with a Go pprof endpoint has any series judged a leak. A watch that stops on a verdict waits for them (and
/// for a .NET managed heap's own settled verdict).
/// </summary>
public sealed class ExplainOnLeakSink : IWatchSink
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
        if (to.Verdict != Verdict.Leak || !key.IsTreeLevel)
        {
            return;
        }

        if (s_managedHeap.Contains(key.Signal))
        {
            _watch!.HeapDiffs.Start(target, "managed heap leaks");
        }
        else if (target.NodeInspector is not null)
        {
            _watch!.NodeExplanations.Start(target, $"{key.Name} leaks");
        }
        else if (target.Pprof is not null)
        {
            _watch!.GoExplanations.Start(target, $"{key.Name} leaks");
        }
        else if (target.RootPid > 0 && target.Runtime is not { Attached: true } && _toldNoNodeInspector.Add(target) && Probes.Node.NodeInspector.IsNode(target.RootPid))
        {
            _watch!.Notice($"{target.Label}: {key.Name} leaks; to say what grows in this Node.js process, watch it with --node-inspector");
        }
    }

    private readonly HashSet<WatchTarget> _toldNoNodeInspector = [];

    public bool HoldsTheWatch(WatchEngine watch) =>
        watch.HeapDiffs.Pending || watch.GoExplanations.Pending || watch.NodeExplanations.Pending
        || watch.Targets.Any(t => !t.Exited && t.Runtime is { Attached: true } && !ManagedHeapSettled(t));

    private static bool ManagedHeapSettled(WatchTarget target) =>
        target.Tracks.TryGetValue(target.KeyOf(RuntimeCounterNames.GcHeapSize), out SeriesTrack? heap) && heap.IsSettled;
}
