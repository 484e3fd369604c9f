using LeakHound.Core.Series;
using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>What a candidate build does against its base, for one signal.</summary>
public enum ComparisonVerdict
{
    /// <summary>The excess growth's interval is too wide to tell it from a negligible one; the reason says what is missing.</summary>
    Insufficient = 0,

    /// <summary>The excess growth lies, with its whole 95% interval, within ± the negligible growth.</summary>
    NoDifference,

    /// <summary>The candidate grows faster than its base by more than the negligible growth (whole interval above it).</summary>
    Regression,

    /// <summary>The candidate grows slower than its base by more than the negligible growth.</summary>
    Improvement,
}

/// <summary>
/// A candidate's growth against its base for one signal: each one's floor rate with its 95% interval, and the excess
/// (candidate − base) with its interval. Rates are per second, or per iteration for an iteration-mode soak.
/// </summary>
public sealed record GrowthComparison(
    string Series,
    ComparisonVerdict Verdict,
    string Reason,
    TrendEstimate? Base,
    TrendEstimate? Candidate,
    double? Excess,
    double? ExcessLow,
    double? ExcessHigh,
    double Negligible);

/// <summary>
/// Differential analysis against a known version (Matias et al., "Software aging detection via differential
/// analysis", ISSREW 2016): both builds under the same load, the candidate's excess growth estimated with an interval,
/// so that a change that leaks more than its base fails even when both grow (a warm cache, an old leak).
/// </summary>
/// <remarks>
/// The interval of the difference of two independent estimates, each with its own (asymmetric, rank-based) interval,
/// is recovered from the two: L = d − √((c − c_low)² + (b_high − b)²), U = d + √((c_high − c)² + (b − b_low)²) — the
/// MOVER method, Zou &amp; Donner (2008), "Construction of confidence limits about effect measures", Stat Med 27(10).
/// The verdict is an equivalence test (two one-sided tests, Schuirmann 1987) against ± the negligible growth.
/// </remarks>
public static class GrowthComparer
{
    /// <summary>Compares two trends of the same signal; <paramref name="rate"/> writes a rate in its unit (per minute, per iteration).</summary>
    public static GrowthComparison Compare(string series, TrendEstimate? baseline, TrendEstimate? candidate, double negligible, Func<double, string> rate)
    {
        if (baseline is not { } b || candidate is not { } c)
        {
            string which = baseline is null && candidate is null ? "either run" : baseline is null ? "the base" : "the candidate";
            return new GrowthComparison(series, ComparisonVerdict.Insufficient, $"too few floor points in {which} for a rate", baseline, candidate, null, null, null, negligible);
        }

        double excess = c.Slope - b.Slope;
        double low = excess - Math.Sqrt(Square(c.Slope - c.SlopeLow) + Square(b.SlopeHigh - b.Slope));
        double high = excess + Math.Sqrt(Square(c.SlopeHigh - c.Slope) + Square(b.Slope - b.SlopeLow));
        string range = $"excess growth {rate(excess)} [{rate(low)}, {rate(high)}]";
        (ComparisonVerdict verdict, string reason) = (low, high) switch
        {
            _ when low > negligible => (ComparisonVerdict.Regression, $"the candidate grows faster than its base: {range}, above the negligible {rate(negligible)}"),
            _ when high < -negligible => (ComparisonVerdict.Improvement, $"the candidate grows slower than its base: {range}"),
            _ when low >= -negligible && high <= negligible => (ComparisonVerdict.NoDifference, $"{range}, within ± the negligible {rate(negligible)}"),
            _ => (ComparisonVerdict.Insufficient, $"{range}: too wide to tell from ± the negligible {rate(negligible)}; run both longer"),
        };
        return new GrowthComparison(series, verdict, reason, b, c, excess, low, high, negligible);
    }

    /// <summary>
    /// Compares the floors two detectors saw (the same signal of the base and of the candidate, under the same load):
    /// each one's rate as its own verdict judges it (since a restart; after the stop of a rise that levelled off, after
    /// a step), or the whole floor's when its verdict rests on no trend; the negligible growth taken at the base's level.
    /// </summary>
    public static GrowthComparison Compare(SeriesDetector baseline, SeriesDetector candidate, DetectorOptions options)
    {
        SeriesTraits traits = new(baseline.MayBeCount, baseline.Limit, v => Signals.SignalUnits.Format(baseline.Series, v));
        (TrendEstimate? b, double baseSpan, Floor? baseFloor) = FloorRate(baseline);
        (TrendEstimate? c, double candidateSpan, _) = FloorRate(candidate);
        double level = b is { } bt && baseFloor is not null ? bt.Intercept + bt.Slope * baseFloor.X[^1] : 0;
        double peak = baseline.History.Buckets.Length > 0 ? WindowAssessor.RecentPeak(baseline.History.Buckets) : level;
        double negligible = GrowthBound.NegligibleRate(level, peak, baseline.Limit, baseFloor?.IsCount ?? false, options);
        if (Math.Min(baseSpan, candidateSpan) < options.MinSpanSeconds)
        {
            string shorter = baseSpan < candidateSpan ? "the base" : "the candidate";
            return new GrowthComparison(baseline.Series, ComparisonVerdict.Insufficient,
                $"{shorter} was watched {Math.Min(baseSpan, candidateSpan):0.#}s; the minimum span is {options.MinSpanSeconds:0.#}s", b, c, null, null, null, negligible);
        }

        return Compare(baseline.Series, b, c, negligible, traits.Rate);
    }

    private static (TrendEstimate? Trend, double Span, Floor? Floor) FloorRate(SeriesDetector detector)
    {
        ReadOnlySpan<Bucket> buckets = detector.History.Buckets;
        if (buckets.Length == 0)
        {
            return (null, 0, null);
        }

        double span = buckets[^1].TLast - buckets[0].TFirst;
        Assessment judged = detector.CurrentAssessment();

        // A rise that levelled off or a step long enough ago (half the run): what the series does now is its rate since.
        double since = judged.Stop?.At ?? (judged.Bound is { } b ? buckets[^1].TLast - b.Span : double.PositiveInfinity);
        if (judged is { Trend: { } after } && (judged.Verdict is Verdict.Plateau or Verdict.Step || judged.Shape is Verdict.Plateau or Verdict.Step)
            && buckets[^1].TLast - since >= span / 2)
        {
            return (WithCountResolution(after, judged.Floor, span), span, judged.Floor);
        }

        // Otherwise the floor since the latest restart: every point, runs of a still count included (a rate is rise over
        // time, and the time a count sat still counts); a sawtooth with a handful of cycles has too few minima for a
        // rate, and then the buckets' minima are the floor.
        Floor floor = judged.Floor;
        if (floor.X.Length < 8)
        {
            int from = Math.Max(0, buckets.Length - 1);
            while (from > 0 && buckets[from - 1].TLast >= floor.X[0])
            {
                from--;
            }

            int n = buckets.Length - from;
            double[] x = new double[n], y = new double[n];
            for (int i = 0; i < n; i++)
            {
                x[i] = buckets[from + i].TMin;
                y[i] = buckets[from + i].Min;
            }

            floor = new Floor(x, y, x, y, 0, 0, floor.Quantum);
        }

        TrendEstimate? trend = floor.X.Length >= 3 ? FloorTrend.Of(floor.X, floor.Y, floor.IsCount) : null;
        return (trend is { } t ? WithCountResolution(t, floor, span) : null, span, floor);
    }

    /// <summary>A count resolves no rate finer than its steps: one that did not move may still gain (or lose) a unit every span/3.7.</summary>
    private static TrendEstimate WithCountResolution(TrendEstimate t, Floor floor, double span)
    {
        if (!floor.IsCount || !(span > 0))
        {
            return t;
        }

        double resolution = GrowthBound.CountResolution / span;
        return t with { SlopeLow = Math.Min(t.SlopeLow, t.Slope - resolution), SlopeHigh = Math.Max(t.SlopeHigh, t.Slope + resolution) };
    }

    private static double Square(double v) => v * v;
}
