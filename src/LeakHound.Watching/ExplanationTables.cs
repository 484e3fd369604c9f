using LeakHound.Probes.DotNet.Heap;
using LeakHound.Probes.Go;
using LeakHound.Probes.Node;

namespace LeakHound.Watching;

/// <summary>What grew in one target (a .NET heap diff, a Node.js process's sites and snapshots, a Go program's goroutines and heap), one row each.</summary>
/// <param name="Target">The target's label.</param>
/// <param name="Rows">What grew, most first.</param>
/// <param name="Title">The table's heading ("Heap diff: svc (42)" when null).</param>
public sealed record ExplanationTable(string Target, IReadOnlyList<ExplanationRow> Rows, string? Title = null);

/// <param name="Type">What grew: a type, an allocation site, a goroutine stack, a collection.</param>
/// <param name="CountBefore">Its objects (goroutines, samples, entries) at the first snapshot.</param>
/// <param name="CountAfter">At the last.</param>
/// <param name="BytesGrowth">The bytes it grew by (0 when not counted in bytes).</param>
/// <param name="RetentionPath">What holds it (a retainer path, or the allocating stack), or null.</param>
public sealed record ExplanationRow(string Type, long CountBefore, long CountAfter, long BytesGrowth, string? RetentionPath);

/// <summary>
/// Every kind of explanation as the same table, for the outputs that show them side by side: the HTML report at the
/// end, the dashboard as each one finishes.
/// </summary>
public static class ExplanationTables
{
    /// <summary>The explanations of a finished watch that succeeded, in target order: .NET, Go, Node.js.</summary>
    public static IReadOnlyList<ExplanationTable> Of(WatchResult result) =>
    [
        .. result.HeapDiffs.Where(d => d.Value.Result is not null).Select(d => Of(d.Key.Label, d.Value.Result!)),
        .. result.GoExplanations.Where(e => e.Value.Result is not null).Select(e => Of(e.Key.Label, e.Value.Result!)),
        .. result.NodeExplanations.Where(e => e.Value.Result is not null).Select(e => Of(e.Key.Label, e.Value.Result!)),
    ];

    /// <summary>The explanations a running watch has finished so far.</summary>
    public static IReadOnlyList<ExplanationTable> Finished(WatchEngine watch) =>
    [
        .. watch.HeapDiffs.Finished().Select(d => Of(d.Target.Label, d.Result)),
        .. watch.GoExplanations.Finished().Select(e => Of(e.Target.Label, e.Result)),
        .. watch.NodeExplanations.Finished().Select(e => Of(e.Target.Label, e.Result)),
    ];

    /// <summary>
    /// A Go program's explanation: each growing goroutine stack (where it waits, who started it; its goroutines before
    /// and after) and each growing heap site (its objects before and after, the bytes grown), with its stack.
    /// </summary>
    public static ExplanationTable Of(string target, GoExplanation explanation) => new(target,
        [
            .. explanation.Goroutines.Select(g => new ExplanationRow(
                $"goroutines in {g.Stack.Blocked} [{g.Stack.State}]{(g.Stack.CreatedBy is { } c ? $", created by {c}" : "")}"
                    + (explanation.LeakProfile.LeakedIn(g.Stack) is { } proven ? $"; {proven} proven leaked by the runtime" : ""),
                g.Counts[0], g.Counts[^1], 0, string.Join(" ← ", g.Stack.Frames))),
            .. explanation.Heap.Select(h => new ExplanationRow($"heap allocated at {h.Site.AllocatedAt}", h.Objects[0], h.Objects[^1], h.Growth,
                string.Join(" ← ", h.Site.Stack))),
        ],
        $"What grows in {target} (Go, from its pprof)");

    /// <summary>
    /// A Node.js target's explanation: each allocation site whose live memory grew (its live samples before and after,
    /// the bytes grown, its stack), then from heap snapshots each constructor and collection that grew, with the path
    /// from the GC roots that holds it.
    /// </summary>
    public static ExplanationTable Of(string target, NodeExplanation explanation) => new(target,
        [
            .. explanation.Growing.Select(g => new ExplanationRow($"live memory allocated in {g.Site.Site}{(g.Site.Via is { } via ? $" via {via}" : "")}",
                g.Samples[0], g.Samples[^1], g.Growth, string.Join(" ← ", g.Site.Stack))),
            .. explanation.Classes.Select(c => new ExplanationRow($"objects of {c.Class}", c.Counts[0], c.Counts[^1], c.BytesGrowth,
                c.RetainerPath.Count > 0 ? string.Join(" → ", c.RetainerPath) : null)),
            .. explanation.Collections.Select(c => new ExplanationRow($"entries of a {c.Kind} (@{c.Id})", c.Entries[0], c.Entries[^1], 0,
                c.RetainerPath.Count > 0 ? string.Join(" → ", c.RetainerPath) : null)),
        ],
        $"What grows in {target} (Node.js, {(explanation.Snapshots.Count > 0 ? "from its sampling heap profiler and heap snapshots" : "from its sampling heap profiler")})");

    /// <summary>A heap diff: the top growing types, with their retention path when one was found.</summary>
    public static ExplanationTable Of(string target, HeapDiffResult diff) => new(target,
        [.. diff.Growing.Select(g => new ExplanationRow(g.Type, g.Before.Count, g.After.Count, g.BytesGrowth,
            g.RetentionPath is { Count: > 0 } path ? string.Join(" → ", path) : null))]);
}
