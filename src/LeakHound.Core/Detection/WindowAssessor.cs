using LeakHound.Core.Series;
using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>Classifies one window of bucketed history. Pure: the same buckets always give the same answer.</summary>
/// <remarks>
/// A leak must pass every test, in this order: enough cycles and floor points; a significant Mann–Kendall rise of the
/// floor with the whole Theil–Sen interval above zero; the rate known to <see cref="DetectorOptions.MaxRelativeUncertainty"/>;
/// the recent half of the window rising on its own and at least <see cref="DetectorOptions.MaxDeceleration"/> as fast as
/// the earlier half (warm-ups slow down, leaks do not); and a steady line fitting the floor better than one jump.
/// The first failing test is the reason the verdict stays insufficient.
/// </remarks>
internal static class WindowAssessor
{
    /// <summary>Tries to establish a leak; returns null when one is established, else what is missing.</summary>
    public static string? WhyNotLeak(Floor floor, TrendEstimate? trend, DetectorOptions options)
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

    /// <summary>
    /// What a leak that was already declared needs to stand in a window that cannot decide on its own (too few cycles or
    /// floor levels, significance just under the strict level): a floor whose whole 95% slope interval is above zero,
    /// whose recent half may still rise at least <see cref="DetectorOptions.MaxDeceleration"/> as fast as its earlier
    /// half (when each half has the points to tell), and that one jump does not explain better. A leak that stops, or a
    /// warm-up that levels off, fails this and is taken back.
    /// </summary>
    public static bool StillRises(Assessment assessment, DetectorOptions options)
    {
        Floor floor = assessment.Floor;
        if (assessment.Trend is not { SlopeLow: > 0 } trend || StepExplainsBetter(floor.X, floor.Y, trend))
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
    private static (TrendEstimate First, TrendEstimate Second)? Halves(Floor floor)
    {
        int half = Array.FindIndex(floor.TrendX, x => x >= (floor.TrendX[0] + floor.TrendX[^1]) / 2);
        if (half < 3 || floor.TrendX.Length - half < 3)
        {
            return null;
        }

        return (TrendTest.Compute(floor.TrendX.AsSpan(0, half), floor.TrendY.AsSpan(0, half)),
                TrendTest.Compute(floor.TrendX.AsSpan(half), floor.TrendY.AsSpan(half)));
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

    public static Assessment Assess(ReadOnlySpan<Bucket> window, DetectorOptions options)
    {
        Floor floor = FloorExtractor.Extract(window);
        TrendEstimate? trend = floor.TrendX.Length >= 3 ? TrendTest.Compute(floor.TrendX, floor.TrendY) : null;
        string? whyNot = WhyNotLeak(floor, trend, options);
        if (whyNot is null)
        {
            return new Assessment(Verdict.Leak, LeakReason(floor, trend!.Value), trend, floor);
        }

        double noise = ShapeChecks.Noise(floor.Y);
        bool sawtooth = IsSawtooth(window, noise, out double amplitude, out string sawReason);

        // Under a heavy sawtooth a small shift of the floor is not what a person would call the shape.
        if (IsStep(floor, noise, out double jump, out string stepReason) && (!sawtooth || Math.Abs(jump) >= amplitude / 2))
        {
            return new Assessment(Verdict.Step, stepReason, trend, floor);
        }

        if (IsPlateau(floor, noise, out double rise, out string plateauReason) && (!sawtooth || rise >= amplitude / 2))
        {
            return new Assessment(Verdict.Plateau, plateauReason, trend, floor);
        }

        if (trend is { } t && t.RisesAt(options.Alpha))
        {
            return new Assessment(Verdict.Insufficient, "floor rises, but " + whyNot, trend, floor);
        }

        if (sawtooth)
        {
            return new Assessment(Verdict.Sawtooth, sawReason, trend, floor);
        }

        // Stable must mean "no rise", not "a rise not yet proven": a floor rising at 95% confidence stays undecided.
        if (trend is { } weak && weak.Slope > 0 && weak.PRising < 0.05)
        {
            return new Assessment(Verdict.Insufficient, whyNot, trend, floor);
        }

        string stable = trend is { Slope: < 0 } && trend.Value.SlopeHigh < 0 ? "floor falls" : "no significant trend";
        return new Assessment(Verdict.Stable, stable, trend, floor);
    }

    private static string LeakReason(Floor floor, TrendEstimate t) => floor.HasCycles
        ? $"floor under {floor.Cycles} GC-like cycles rises steadily (confidence {1 - t.PRising:P2})"
        : $"rises steadily through the window, as fast in its recent half as before (confidence {1 - t.PRising:P2})";

    /// <summary>Two flat levels, each holding at least an eighth of the floor points, a jump well above the noise.</summary>
    private static bool IsStep(Floor floor, double noise, out double jump, out string reason)
    {
        reason = "";
        jump = 0;
        int n = floor.Y.Length;
        if (n < 8)
        {
            return false;
        }

        (int split, double before, double after) = ShapeChecks.BestSplit(floor.Y, Math.Max(2, n / 8));
        jump = after - before;
        if (split < 0 || jump == 0 || Math.Abs(jump) <= 6 * noise)
        {
            return false;
        }

        if (!IsFlat(floor.X[..split], floor.Y[..split], jump) || !IsFlat(floor.X[split..], floor.Y[split..], jump))
        {
            return false;
        }

        reason = $"one {(jump > 0 ? "jump" : "fall")} of {Math.Abs(jump):G4} at t={floor.X[split]:0.#}s between two flat levels";
        return true;
    }

    /// <summary>A segment is flat when its own trend moves it by less than a fifth of the jump.</summary>
    private static bool IsFlat(double[] x, double[] y, double jump)
    {
        if (x.Length < 3 || x[^1] <= x[0])
        {
            return true;
        }

        TrendEstimate t = TrendTest.Compute(x, y);
        return Math.Abs(t.Slope) * (x[^1] - x[0]) < 0.2 * Math.Abs(jump);
    }

    /// <summary>A clear rise early on, and a last third that is flat against that rise.</summary>
    private static bool IsPlateau(Floor floor, double noise, out double rise, out string reason)
    {
        reason = "";
        rise = 0;
        double from = floor.X[0];
        double span = floor.X[^1] - from;
        if (floor.X.Length < 9 || span <= 0)
        {
            return false;
        }

        int lastThird = Array.FindIndex(floor.X, x => x >= from + 2 * span / 3);
        if (lastThird < 0 || floor.X.Length - lastThird < 3)
        {
            return false;
        }

        // The warm-up may be over long before the window's first third ends: compare with the very start.
        const int head = 3;
        double start = ShapeChecks.Median(floor.Y, 0, head);
        double end = ShapeChecks.Median(floor.Y, lastThird, floor.Y.Length);
        rise = end - start;
        if (rise <= 6 * noise || rise <= 0)
        {
            return false;
        }

        // IsFlat allows a fifth of its argument: the last third may move by at most a tenth of the rise.
        if (!IsFlat(floor.X[lastThird..], floor.Y[lastThird..], rise / 2))
        {
            return false;
        }

        reason = $"rose by {rise:G4} at first, flat for the last third of the window";
        return true;
    }

    /// <summary>
    /// At least three one-step drops, each several times the largest one-step rise typical of the window and well above the
    /// floor's noise. The asymmetry is what marks a GC sawtooth (slow climb, sudden fall); plain noise falls as it rises.
    /// </summary>
    private static bool IsSawtooth(ReadOnlySpan<Bucket> window, double noise, out double amplitude, out string reason)
    {
        reason = "";
        amplitude = 0;
        double typicalRise = TypicalStepRise(window);
        double threshold = Math.Max(3 * typicalRise, noise);
        List<double> drops = [];
        foreach (Bucket b in window)
        {
            if (b.MaxStepFall > threshold && b.MaxStepFall > 1e-9 * Math.Abs(b.Max))
            {
                drops.Add(b.MaxStepFall);
            }
        }

        if (drops.Count < 3)
        {
            return false;
        }

        amplitude = Selection.Median(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(drops));
        reason = $"{drops.Count} sudden drops of about {amplitude:G4} over a floor that does not rise";
        return true;
    }

    /// <summary>
    /// The 90th percentile of one-step rises, the yardstick a GC drop must beat 3×: for Gaussian noise (steps ~ N(0, 2σ²),
    /// p90 = 1.81σ) a fall of 5.4σ happens about once in 16,000 steps, and a ramp must climb for 4+ samples before its
    /// drop qualifies. Rises are taken per unit of time and scaled back to the mean sampling interval, so a sampler that a
    /// loaded machine delays now and then (a ramp's step over a double interval is twice as tall) does not raise the bar.
    /// </summary>
    private static double TypicalStepRise(ReadOnlySpan<Bucket> window)
    {
        long samples = 0;
        double[] rates = new double[window.Length];
        for (int i = 0; i < window.Length; i++)
        {
            rates[i] = window[i].MaxStepRiseRate;
            samples += window[i].Count;
        }

        double span = window[^1].TLast - window[0].TFirst;
        double meanInterval = samples > 1 ? span / (samples - 1) : 0;
        return Selection.Select(rates, (int)(0.9 * (rates.Length - 1))) * meanInterval;
    }
}
