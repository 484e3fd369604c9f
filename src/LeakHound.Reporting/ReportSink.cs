using LeakHound.Core.Series;
using LeakHound.Probes.DotNet.Heap;
using LeakHound.Probes.Go;
using LeakHound.Watching;

namespace LeakHound.Reporting;

/// <summary>
/// <c>--report</c> and <c>--png</c> of a live watch: at its end, the report of the watch's own detectors (the verdicts
/// every other output gives), with a bounded chart history per series kept while it ran and the heap diffs it took. A
/// report that cannot be written is a notice: it must not lose the watch's verdicts.
/// </summary>
public sealed class ReportSink(string? html, string? pngDirectory, string source) : IWatchSink
{
    private readonly Dictionary<(WatchTarget, SeriesKey), ChartHistory> _charts = [];
    private WatchEngine? _watch;

    public void OnStart(WatchEngine watch) => _watch = watch;

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value)
    {
        if (!_charts.TryGetValue((target, key), out ChartHistory? chart))
        {
            _charts[(target, key)] = chart = new ChartHistory();
        }

        chart.Add(t, value);
    }

    public Task OnEndAsync(WatchResult result)
    {
        IEnumerable<ChartedSeries> series = result.Targets.SelectMany(target => target.Detectors.Keys
            .Where(key => _charts.ContainsKey((target, key)))
            .Select(key => new ChartedSeries(key, target.Detectors[key], _charts[(target, key)].Points())));
        ReportDocument report = ReportBuilder.Build(series, result.Targets[0].Detectors.Options, source, qualify: result.Targets.Count > 1) with
        {
            HeapDiffs = [.. result.HeapDiffs.Where(d => d.Value.Result is not null).Select(d => Table(d.Key.Label, d.Value.Result!)),
                .. result.GoExplanations.Where(e => e.Value.Result is not null).Select(e => Table(e.Key.Label, e.Value.Result!)),
                .. result.NodeExplanations.Where(e => e.Value.Result is not null).Select(e => Table(e.Key.Label, e.Value.Result!))],
            Marks = result.Marks,
        };
        try
        {
            ReportFiles.Write(report, html, pngDirectory);
        }
        catch (ReportException e)
        {
            _watch?.Notice($"no report: {e.Message}");
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A Go program's explanation as report rows: each growing goroutine stack (where it waits, who started it; its
    /// goroutines before and after) and each growing heap site (its objects before and after, the bytes grown), with
    /// its stack as what holds it.
    /// </summary>
    public static HeapDiffTable Table(string target, GoExplanation explanation) => new(target,
        [
            .. explanation.Goroutines.Select(g => new HeapDiffRow(
                $"goroutines in {g.Stack.Blocked} [{g.Stack.State}]{(g.Stack.CreatedBy is { } c ? $", created by {c}" : "")}",
                g.Counts[0], g.Counts[^1], 0, string.Join(" ← ", g.Stack.Frames))),
            .. explanation.Heap.Select(h => new HeapDiffRow($"heap allocated at {h.Site.AllocatedAt}", h.Objects[0], h.Objects[^1], h.Growth,
                string.Join(" ← ", h.Site.Stack))),
        ],
        $"What grows in {target} (Go, from its pprof)");

    /// <summary>
    /// A Node.js target's explanation as report rows: each allocation site whose live memory grew (its live samples
    /// before and after, the bytes grown), with its stack as what holds it.
    /// </summary>
    public static HeapDiffTable Table(string target, Probes.Node.NodeExplanation explanation) => new(target,
        [.. explanation.Growing.Select(g => new HeapDiffRow($"live memory allocated in {g.Site.Site}{(g.Site.Via is { } via ? $" via {via}" : "")}",
            g.Samples[0], g.Samples[^1], g.Growth, string.Join(" ← ", g.Site.Stack)))],
        $"What grows in {target} (Node.js, from its sampling heap profiler)");

    /// <summary>A heap diff as report rows (the top growing types, with their retention path when one was found).</summary>
    public static HeapDiffTable Table(string target, HeapDiffResult diff) => new(target,
        [.. diff.Growing.Select(g => new HeapDiffRow(g.Type, g.Before.Count, g.After.Count, g.BytesGrowth,
            g.RetentionPath is { Count: > 0 } path ? string.Join(" → ", path) : null))]);
}
