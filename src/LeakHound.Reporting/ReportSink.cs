using LeakHound.Core.Series;
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
            HeapDiffs = ExplanationTables.Of(result),
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
}
