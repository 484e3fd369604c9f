using LeakHound.Core.Series;
using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>Classifies one window of bucketed history. Pure: the same buckets always give the same answer.</summary>
/// <remarks>
/// A leak must pass <see cref="LeakTests.WhyNotLeak"/>. Every other verdict is a claim too: a step, a plateau (a rise
/// that stopped), a sawtooth or a stable floor is given only when the floor's growth — after the step or the stop, for
/// those — is bounded: the upper end of its 95% interval lies below the growth that does not matter
/// (<see cref="GrowthBound"/>). Until then the verdict is insufficient, names the shape seen so far and says what would
/// bound it.
/// </remarks>
internal static class WindowAssessor
{
    /// <param name="window">The buckets to judge.</param>
    /// <param name="options">The detector's options.</param>
    /// <param name="traits">What is known about the series.</param>
    /// <param name="floor">The window's floor, when the caller has extracted it already.</param>
    public static Assessment Assess(ReadOnlySpan<Bucket> window, DetectorOptions options, SeriesTraits traits, Floor? floor = null)
    {
        floor ??= FloorExtractor.Extract(window, traits.MayBeCount);
        TrendEstimate? trend = FloorTrend.Of(floor);
        double noise = ShapeChecks.Noise(floor.Y);
        RiseStop? stop = RiseStop.Find(floor, trend, noise);
        string? whyNot = LeakTests.WhyNotLeak(floor, trend, stop, options, traits);
        if (whyNot is null)
        {
            return new Assessment(Verdict.Leak, LeakReason(floor, trend!.Value), trend, floor) { Shape = Verdict.Leak };
        }

        double negligible = GrowthBound.NegligibleRate(FloorLevel(floor, trend), RecentPeak(window), traits.Limit, floor.IsCount, options);
        bool sawtooth = ShapeTests.IsSawtooth(window, Math.Max(noise, floor.Quantum), out double amplitude, out int drops);

        // Under a heavy sawtooth a small shift of the floor is not what a person would call the shape.
        if (ShapeTests.IsStep(floor, noise, out double jump, out int split) && (!sawtooth || Math.Abs(jump) >= amplitude / 2))
        {
            string reason = $"one {(jump > 0 ? "jump" : "fall")} of {traits.Format(Math.Abs(jump))} at t={floor.X[split]:0.#}s between two flat levels";
            return Healthy(Verdict.Step, reason, Segment(floor, split), floor, negligible, traits, stop);
        }

        if (stop is not null && (!sawtooth || stop.Rise >= amplitude / 2))
        {
            string reason = $"rose by {traits.Format(stop.Rise)} until t={stop.At:0.#}s, flat for {stop.Duration:0.#}s since";
            return Healthy(Verdict.Plateau, reason, (stop.After, stop.Duration), floor, negligible, traits, stop);
        }

        // A floor that rises (at 95% or more) but is no leak yet stays undecided — unless the rise is bounded under the
        // negligible growth, which is what a healthy verdict claims anyway.
        Verdict? shape = sawtooth ? Verdict.Sawtooth : null;
        bool negligibleRise = Whole(floor, trend) is ({ } w, double span) && GrowthBound.Of(w, span, floor.IsCount, negligible).Holds;
        if (trend is { } t && t.RisesAt(options.Alpha) && !negligibleRise)
        {
            return new Assessment(Verdict.Insufficient, "floor rises, but " + whyNot, trend, floor) { Stop = stop, Shape = shape };
        }

        if (trend is { } weak && weak.Slope > 0 && weak.PRising < 0.05 && !negligibleRise)
        {
            return new Assessment(Verdict.Insufficient, whyNot, trend, floor) { Stop = stop, Shape = shape };
        }

        if (sawtooth)
        {
            if (floor.HasCycles && floor.Cycles < options.MinCycles)
            {
                return new Assessment(Verdict.Insufficient, $"a sawtooth so far, but {floor.Cycles} GC-like cycles seen; need {options.MinCycles - floor.Cycles} more to bound its floor", trend, floor)
                    { Shape = Verdict.Sawtooth };
            }

            string floorSays = negligibleRise && trend is { PRising: < 0.05 } ? "rises only negligibly" : "does not rise";
            string reason = $"{drops} sudden drops of about {traits.Format(amplitude)} over a floor that {floorSays}";
            return Healthy(Verdict.Sawtooth, reason, Whole(floor, trend), floor, negligible, traits, stop);
        }

        string stable = trend is { Slope: < 0 } && trend.Value.SlopeHigh < 0 ? "floor falls"
            : negligibleRise && trend is { } rising && rising.PRising < 0.05 ? "floor rises, but negligibly"
            : "no significant trend";
        return Healthy(Verdict.Stable, stable, Whole(floor, trend), floor, negligible, traits, stop);
    }

    /// <summary>A healthy shape, if its growth is bounded below the negligible rate; otherwise insufficient, saying what is missing.</summary>
    private static Assessment Healthy(Verdict shape, string reason, (TrendEstimate Trend, double Span)? basis, Floor floor, double negligible,
        SeriesTraits traits, RiseStop? stop)
    {
        string name = shape.ToName();
        if (basis is not ({ } trend, double span))
        {
            return new Assessment(Verdict.Insufficient, $"{Article(name)} so far ({reason}), but too few floor points to bound its growth", null, floor)
                { Shape = shape, Stop = stop };
        }

        GrowthBound bound = GrowthBound.Of(trend, span, floor.IsCount, negligible);
        if (!bound.Holds)
        {
            return new Assessment(Verdict.Insufficient, $"{Article(name)} so far ({reason}), but {bound.Missing(traits.Rate)}", trend, floor)
                { Shape = shape, Bound = bound, Stop = stop };
        }

        return new Assessment(shape, $"{reason}; its floor rises by at most {traits.Rate(Math.Max(0, bound.Upper))} (upper 95%), under the negligible {traits.Rate(negligible)}", trend, floor)
            { Shape = shape, Bound = bound, Stop = stop };
    }

    private static string Article(string shape) => shape is "insufficient" ? shape : $"a{(shape[0] is 'a' or 'e' or 'i' or 'o' or 'u' ? "n" : "")} {shape}";

    /// <summary>The trend that bounds a whole-window shape: the floor's, or over every floor point when runs collapsed to too few levels.</summary>
    private static (TrendEstimate, double)? Whole(Floor floor, TrendEstimate? trend)
    {
        if (trend is { } t)
        {
            return (t, floor.Span);
        }

        return floor.X.Length >= 3 ? (TrendTest.Compute(floor.X, floor.Y), floor.Span) : null;
    }

    /// <summary>The floor's trend from a split point to the end (after a step).</summary>
    private static (TrendEstimate, double)? Segment(Floor floor, int from)
    {
        if (floor.X.Length - from < 3)
        {
            return null;
        }

        return (TrendTest.Compute(floor.X.AsSpan(from), floor.Y.AsSpan(from)), floor.X[^1] - floor.X[from]);
    }

    /// <summary>The floor's level at the window's end.</summary>
    private static double FloorLevel(Floor floor, TrendEstimate? trend) =>
        trend is { } t ? t.Intercept + t.Slope * floor.X[^1] : floor.Y.Length > 0 ? floor.Y[^1] : 0;

    /// <summary>The highest value in the last tenth of the window (the level that meets the limit first).</summary>
    public static double RecentPeak(ReadOnlySpan<Bucket> window)
    {
        double since = window[^1].TLast - (window[^1].TLast - window[0].TFirst) * 0.1;
        double peak = double.NegativeInfinity;
        for (int i = window.Length - 1; i >= 0 && (window[i].TLast >= since || peak == double.NegativeInfinity); i--)
        {
            peak = Math.Max(peak, window[i].Max);
        }

        return peak;
    }

    private static string LeakReason(Floor floor, TrendEstimate t) => floor.HasCycles
        ? $"floor under {floor.Cycles} GC-like cycles rises steadily (confidence {1 - t.PRising:P2})"
        : $"rises steadily through the window, as fast in its recent half as before (confidence {1 - t.PRising:P2})";
}
