using LeakHound.Core.Verdicts;

namespace LeakHound.Watching;

/// <summary>Why a watch ended.</summary>
public enum StopReason
{
    TargetsExited,
    Duration,
    Verdict,
    Cancelled,
}

public static class StopReasonNames
{
    /// <summary>The lower-case name of the JSON document and the watch history.</summary>
    public static string ToName(this StopReason reason) => reason.ToString().ToLowerInvariant();
}

/// <summary>How a watch ended: why, after how long, every target's final verdicts and the heap diffs taken.</summary>
public sealed record WatchResult(IReadOnlyList<WatchTarget> Targets, StopReason StoppedBecause, double DurationSeconds,
    IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.DotNet.Heap.HeapDiffResult>> HeapDiffs)
{
    /// <summary>Every target's final word, per series (a leak paged on the way stays a leak), tree-level series first.</summary>
    public IReadOnlyList<(WatchTarget Target, SeriesVerdict Verdict)> Verdicts { get; } =
        [.. Targets.SelectMany(t => t.Detectors.Verdicts(final: true).Select(v => (t, v)))];

    /// <summary>Explanations of Go targets taken during the watch (<c>--explain-on-leak</c> with <c>--pprof-url</c>).</summary>
    public IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.Go.GoExplanation>> GoExplanations { get; init; } =
        new Dictionary<WatchTarget, ExplanationOutcome<Probes.Go.GoExplanation>>();

    /// <summary>Explanations of Node.js targets taken during the watch (<c>--explain-on-leak</c> with <c>--node-inspector</c>).</summary>
    public IReadOnlyDictionary<WatchTarget, ExplanationOutcome<Probes.Node.NodeExplanation>> NodeExplanations { get; init; } =
        new Dictionary<WatchTarget, ExplanationOutcome<Probes.Node.NodeExplanation>>();

    /// <summary>The time line's gaps and restarts (a resumed watch).</summary>
    public IReadOnlyList<LeakHound.Core.Series.TimelineMark> Marks { get; init; } = [];

    public bool AnyLeak => Verdicts.Any(x => x.Verdict.Verdict == Verdict.Leak);

    public IEnumerable<SeriesVerdict> VerdictsOf(WatchTarget target) => Verdicts.Where(x => x.Target == target).Select(x => x.Verdict);
}
