using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;

namespace LeakHound.Reporting;

/// <summary>One series to report: its detector (which gives the verdict) and the points to draw.</summary>
public sealed record ChartedSeries(SeriesKey Key, SeriesDetector Detector, IReadOnlyList<(double T, double V)> Points);

/// <summary>
/// Builds a report from detectors — a live watch's own (its <c>--report</c>), or a recorded trace replayed into detector
/// sets exactly as <c>analyze</c> does — so a report says what the other outputs say.
/// </summary>
public static class ReportBuilder
{
    /// <summary>Points drawn per series at most; longer series are min/max-decimated.</summary>
    public const int MaxChartPoints = 4000;

    /// <summary>A trace's report: its series replayed into one detector set per target (with each target's limits).</summary>
    public static ReportDocument FromTrace(Trace trace, DetectorOptions options, Func<string, Limits> limits, string source, Func<string, bool>? filter = null) =>
        FromReplay(trace, TraceAnalysis.Replay(trace, options, limits, filter), options, source);

    /// <summary>The report of a trace already replayed (<see cref="TraceAnalysis.Replay"/>): its detectors, the trace's points.</summary>
    public static ReportDocument FromReplay(Trace trace, IReadOnlyDictionary<string, DetectorSet> sets, DetectorOptions options, string source)
    {
        IEnumerable<ChartedSeries> series = sets.Values.SelectMany(set => set.Keys.Select(key =>
            new ChartedSeries(key, set[key], [.. trace[Recorded(key)].Where(s => double.IsFinite(s.Value)).Select(s => (s.T, s.Value))])));
        return Build(series, options, source, qualify: sets.Count > 1);
    }

    /// <param name="series">What to report.</param>
    /// <param name="options">The statistics the verdicts were drawn with.</param>
    /// <param name="source">What was watched or read, for the title.</param>
    /// <param name="qualify">Name series <c>target/series</c> (a watch of several targets).</param>
    public static ReportDocument Build(IEnumerable<ChartedSeries> series, DetectorOptions options, string source, bool qualify)
    {
        List<SeriesReport> reports = [.. series.Select(s => Build(s, qualify ? s.Key.ToString() : s.Key.Name))];

        // Leaks first, fastest first: what to look at before anything else.
        reports.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
        return new ReportDocument("LeakHound report", source, DateTimeOffset.UtcNow, options.MinSpanSeconds, reports);
    }

    /// <summary>The name a series was recorded under in a trace: <c>target/series</c>, or the series alone.</summary>
    private static string Recorded(SeriesKey key) => key.ToString();

    private static (int, double) Rank(SeriesReport s) =>
        (s.Verdict.Verdict == Verdict.Leak ? 0 : s.Verdict.Verdict == Verdict.Insufficient ? 2 : 1, -(s.Verdict.SlopePerSecond ?? 0));

    private static SeriesReport Build(ChartedSeries s, string name)
    {
        SeriesDetector detector = s.Detector;
        SeriesVerdict v = detector.Evaluate();
        SeriesExplanation e = detector.Explain();
        double origin = double.IsNaN(detector.Origin) ? 0 : detector.Origin;
        double at = v.AtSeconds - origin; // the explanation is on the series' own clock

        // The verdict's own trend (it may come from a recent window), anchored at its floor now.
        if (v.SlopePerSecond is { } slope && v.Floor is { } floorNow)
        {
            e = e with { Intercept = floorNow - slope * at, Slope = slope, SlopeLow = v.SlopeLow, SlopeHigh = v.SlopeHigh };
        }

        double[] trendT = [];
        double[] mid = [], low = [], high = [];
        if (e.TrendAt(0) is not null && e.FloorT.Length > 0)
        {
            const int steps = 24;
            double from = Math.Max(e.FloorT[0], e.TrendFromT);
            trendT = new double[steps + 1];
            mid = new double[steps + 1];
            low = new double[steps + 1];
            high = new double[steps + 1];
            for (int i = 0; i <= steps; i++)
            {
                double t = from + (at - from) * i / steps;
                (double m, double l, double h) = e.TrendAt(t)!.Value;
                (trendT[i], mid[i], low[i], high[i]) = (t + origin, m, l, h);
            }
        }

        (double[] sampleT, double[] sampleV) = Decimation.MinMax(s.Points, MaxChartPoints);
        return new SeriesReport(
            name,
            SignalUnits.For(s.Key.Signal).ToString().ToLowerInvariant(),
            v,
            sampleT,
            sampleV,
            [.. e.FloorT.Select(t => t + origin)],
            e.FloorValue,
            trendT,
            mid,
            low,
            high);
    }
}
