using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;

namespace LeakHound.Reporting;

/// <summary>Builds a report from a recorded trace with the same online detector a live watch uses.</summary>
public static class ReportBuilder
{
    /// <summary>Points drawn per series at most; longer series are min/max-decimated.</summary>
    public const int MaxChartPoints = 4000;

    public static ReportDocument FromTrace(Trace trace, DetectorOptions options, double? byteLimit, string source, Func<string, bool>? filter = null)
    {
        List<SeriesReport> series = [];
        foreach (string name in trace.SeriesNames)
        {
            if (filter is not null && !filter(name))
            {
                continue;
            }

            double? limit = SignalUnits.For(name) == SignalUnit.Bytes ? byteLimit : null;
            SeriesDetector detector = new(name, options, limit);
            List<(double T, double V)> points = new(trace[name].Count);
            foreach (Core.Series.Sample s in trace[name])
            {
                detector.Add(s.T, s.Value);
                if (double.IsFinite(s.Value))
                {
                    points.Add((s.T, s.Value));
                }
            }

            series.Add(Build(name, detector, points));
        }

        // Leaks first, fastest first: what to look at before anything else.
        series.Sort((a, b) => Rank(a).CompareTo(Rank(b)));
        return new ReportDocument("LeakHound report", source, DateTimeOffset.UtcNow, options.MinSpanSeconds, series);
    }

    private static (int, double) Rank(SeriesReport s) =>
        (s.Verdict == "leak" ? 0 : s.Verdict == "insufficient" ? 2 : 1, -(s.SlopePerSecond ?? 0));

    private static SeriesReport Build(string name, SeriesDetector detector, List<(double T, double V)> points)
    {
        SeriesVerdict v = detector.Evaluate();
        SeriesExplanation e = detector.Explain();
        double origin = double.IsNaN(detector.Origin) ? 0 : detector.Origin;

        // The verdict's own trend (it may come from a recent window), anchored at its floor now.
        if (v.SlopePerSecond is { } slope && v.Floor is { } floorNow)
        {
            e = e with { Intercept = floorNow - slope * v.AtSeconds, Slope = slope, SlopeLow = v.SlopeLow, SlopeHigh = v.SlopeHigh };
        }

        double[] trendT = [];
        double[] mid = [], low = [], high = [];
        if (e.TrendAt(0) is not null && e.FloorT.Length > 0)
        {
            const int steps = 24;
            double from = e.FloorT[0];
            double to = v.AtSeconds;
            trendT = new double[steps + 1];
            mid = new double[steps + 1];
            low = new double[steps + 1];
            high = new double[steps + 1];
            for (int i = 0; i <= steps; i++)
            {
                double t = from + (to - from) * i / steps;
                (double m, double l, double h) = e.TrendAt(t)!.Value;
                (trendT[i], mid[i], low[i], high[i]) = (t + origin, m, l, h);
            }
        }

        (double[] sampleT, double[] sampleV) = Decimation.MinMax(points, MaxChartPoints);
        return new SeriesReport(
            name,
            TargetOf(name),
            SignalUnits.For(name).ToString().ToLowerInvariant(),
            v.Verdict.ToName(),
            v.Reason,
            v.SlopePerSecond,
            VerdictText.Rate(v),
            v.TimeToLimitSeconds,
            VerdictText.TimeToLimit(v),
            v.DetectedAtSeconds + origin,
            v.Current,
            v.Samples,
            sampleT,
            sampleV,
            e.FloorT.Select(t => t + origin).ToArray(),
            e.FloorValue,
            trendT,
            mid,
            low,
            high);
    }

    /// <summary>Per-process series carry their process in braces (<c>rss{pid="42",comm="node"}</c>); the rest is the whole target.</summary>
    private static string TargetOf(string series)
    {
        int brace = series.IndexOf('{');
        return brace < 0 ? "target" : series[(brace + 1)..^1];
    }
}
