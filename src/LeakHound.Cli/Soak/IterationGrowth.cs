using LeakHound.Core.Verdicts;
using LeakHound.Core.Signals;
using LeakHound.Core.Statistics;

namespace LeakHound.Cli.Soak;

/// <summary>Growth of a signal per load iteration: Theil–Sen slope over the iteration number with Sen's 95% interval.</summary>
public sealed record IterationGrowth(string Series, double PerIteration, double Low, double High, double Confidence, bool Leaks, int Points)
{
    /// <summary>Least growth per iteration that counts: less than one object for bytes, one per 100 iterations for counts.</summary>
    public static double MinimumEffect(string series) => SignalUnits.For(series) == SignalUnit.Bytes ? 64 : 0.01;

    public static IterationGrowth? Of(string series, IReadOnlyList<(double Iteration, double Value)> points, double alpha)
    {
        if (points.Count < 8)
        {
            return null;
        }

        TrendEstimate t = TrendTest.Compute(points.Select(p => p.Iteration).ToArray(), points.Select(p => p.Value).ToArray());
        bool leaks = t.PRising < alpha && t.SlopeLow > MinimumEffect(series);
        return new IterationGrowth(series, t.Slope, t.SlopeLow, t.SlopeHigh, 1 - t.PRising, leaks, points.Count);
    }

    public string Describe() =>
        $"{(PerIteration >= 0 ? "+" : "")}{VerdictText.Value(Series, PerIteration)} per iteration [95% CI {VerdictText.Value(Series, Low)} … {VerdictText.Value(Series, High)}]";
}
