using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>The tests a floor must pass to be called a leak, and the weaker ones that keep a declared leak standing.</summary>
/// <remarks>
/// A leak must pass every test, in this order: enough cycles and floor points; a significant rise of the floor with the
/// whole Theil–Sen interval above zero; a rise that has not stopped (<see cref="RiseStop"/>); the rate known to
/// <see cref="DetectorOptions.MaxRelativeUncertainty"/>; the recent half of the window rising on its own and at least
/// <see cref="DetectorOptions.MaxDeceleration"/> as fast as the earlier half (warm-ups slow down, leaks do not); and a
/// steady line fitting the floor better than one jump. The first failing test is the reason the verdict stays
/// insufficient.
/// </remarks>
internal static class LeakTests
{
    /// <summary>Tries to establish a leak; returns null when one is established, else what is missing.</summary>
    public static string? WhyNotLeak(Floor floor, TrendEstimate? trend, RiseStop? stop, DetectorOptions options, SeriesTraits traits)
    {
        if (floor.HasCycles && floor.Cycles < options.MinCycles)
        {
            return $"{floor.Cycles} GC-like cycles seen; need {options.MinCycles - floor.Cycles} more to judge the floor";
        }

        if (trend is not { } t || floor.TrendX.Length < options.MinTrendPoints)
        {
            return $"{floor.TrendX.Length} distinct floor levels; need at least {options.MinTrendPoints}";
        }

        if (!t.RisesAt(options.Alpha))
        {
            return t.Slope > 0 && t.PRising < 0.5
                ? $"floor rise not yet significant (confidence {1 - t.PRising:P2}, need {1 - options.Alpha:P2})"
                : "floor does not rise";
        }

        if (stop is not null)
        {
            return Stopped(stop, traits);
        }

        if (RiseStop.Stalled(floor, t) is { } stalled)
        {
            return $"the rise has paused for {stalled:0.#}s, three times longer than it ever paused while rising; waiting to see it go on";
        }

        double halfWidth = (t.SlopeHigh - t.SlopeLow) / 2;
        if (halfWidth > options.MaxRelativeUncertainty * t.Slope)
        {
            return $"the rate is not yet known well enough (±{halfWidth / t.Slope:P0}, need ±{options.MaxRelativeUncertainty:P0})";
        }

        if (Halves(floor) is not (var first, var second))
        {
            return "too few floor points in one half of the window";
        }

        if (!(second.SlopeLow > 0))
        {
            return "the recent half of the window does not rise significantly on its own; waiting to see the rise persist";
        }

        if (first.Slope > 0 && second.Slope < options.MaxDeceleration * first.Slope)
        {
            return $"the rise is slowing down (recent half {second.Slope / first.Slope:P0} of the earlier rate): possibly a warm-up; waiting";
        }

        if (StepExplainsBetter(floor.X, floor.Y, t))
        {
            return "one jump explains the floor better than a steady rise (a step?); waiting to see it persist";
        }

        return null;
    }

    public static string Stopped(RiseStop stop, SeriesTraits traits) =>
        $"the rise stopped at t={stop.At:0.#}s: flat for {stop.Duration:0.#}s against {traits.Rate(stop.Before.Slope)} before (a fill reaching its bound, not a leak)";

    /// <summary>
    /// What a leak that was already declared needs to stand in a window that cannot decide on its own (too few cycles or
    /// floor levels, significance just under the strict level): a floor whose whole 95% slope interval is above zero,
    /// that has not stopped rising, whose recent half may still rise at least <see cref="DetectorOptions.MaxDeceleration"/>
    /// as fast as its earlier half (when each half has the points to tell), and that one jump does not explain better.
    /// A leak that stops, or a warm-up that levels off, fails this and is taken back.
    /// </summary>
    public static bool StillRises(Assessment assessment, DetectorOptions options)
    {
        Floor floor = assessment.Floor;
        if (assessment.Stop is not null || assessment.Trend is not { SlopeLow: > 0 } trend || StepExplainsBetter(floor.X, floor.Y, trend))
        {
            return false;
        }

        if (Halves(floor) is not (var first, var second))
        {
            return true;
        }

        // Taking a page back needs evidence too: the recent half's whole 95% interval below the bar, not a noisy estimate.
        return second.SlopeHigh > 0 && !(first.Slope > 0 && second.SlopeHigh < options.MaxDeceleration * first.Slope);
    }

    /// <summary>The floor's trend in the earlier and the recent half of the window; null when a half has under 3 points.</summary>
    public static (TrendEstimate First, TrendEstimate Second)? Halves(Floor floor)
    {
        int half = Array.FindIndex(floor.TrendX, x => x >= (floor.TrendX[0] + floor.TrendX[^1]) / 2);
        if (half < 3 || floor.TrendX.Length - half < 3)
        {
            return null;
        }

        return (FloorTrend.Of(floor.TrendX.AsSpan(0, half), floor.TrendY.AsSpan(0, half), floor.IsCount)!.Value,
                FloorTrend.Of(floor.TrendX.AsSpan(half), floor.TrendY.AsSpan(half), floor.IsCount)!.Value);
    }

    /// <summary>True when two constant levels fit the floor more tightly than the Theil–Sen line does.</summary>
    private static bool StepExplainsBetter(double[] x, double[] y, TrendEstimate line)
    {
        (int split, _, _) = ShapeChecks.BestSplit(y, Math.Max(2, y.Length / 8));
        if (split < 0)
        {
            return false;
        }

        double lineError = 0;
        for (int i = 0; i < y.Length; i++)
        {
            lineError += Math.Abs(y[i] - line.Intercept - line.Slope * x[i]);
        }

        double before = ShapeChecks.Median(y, 0, split);
        double after = ShapeChecks.Median(y, split, y.Length);
        double stepError = 0;
        for (int i = 0; i < y.Length; i++)
        {
            stepError += Math.Abs(y[i] - (i < split ? before : after));
        }

        return stepError < lineError;
    }
}
