using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>
/// How much a signal grows per iteration of a repeated action — the one rule behind <c>soak --iterations</c> and
/// <c>LeakCheck</c>: the Theil–Sen slope over the iteration number with Sen's interval; a leak when the Mann–Kendall test
/// says it rises (p &lt; α), the whole interval lies above a minimum effect smaller than any real leak, and each half of
/// the run rises on its own (p &lt; 0.05) — growth "with every iteration", not a one-time burst that fills one part of a
/// run (a test runner's start-up work, a service's cache warming once).
/// </summary>
/// <remarks>
/// The variance is inflated for serial correlation for readings of a live process (a soak: the GC state carries over
/// from one iteration to the next), not for exact measurements taken after a forced full collection (LeakCheck), whose
/// only serial structure is deterministic — a collection doubling its array — and where the correction would erase a
/// perfectly steady rise.
/// </remarks>
/// <param name="PerIteration">Theil–Sen growth per iteration.</param>
/// <param name="Low">Lower end of its 95% interval.</param>
/// <param name="High">Upper end of its 95% interval.</param>
/// <param name="Confidence">1 − p of the trend test.</param>
/// <param name="Leaks">The rule above holds.</param>
/// <param name="Points">Readings the estimate rests on.</param>
/// <param name="First">The first reading.</param>
/// <param name="Last">The last reading.</param>
public sealed record IterationGrowth(double PerIteration, double Low, double High, double Confidence, bool Leaks, int Points, double First, double Last)
{
    /// <summary>Fewest readings for a growth.</summary>
    public const int MinPoints = 8;

    /// <summary>Level each half of the run must rise at on its own.</summary>
    private const double HalfAlpha = 0.05;

    /// <param name="iterations">Iteration numbers, non-decreasing.</param>
    /// <param name="values">The signal after each.</param>
    /// <param name="minimumEffect">Growth per iteration below which nothing counts (e.g. 8 bytes, one thread per 100 iterations).</param>
    /// <param name="alpha">Significance of the rise.</param>
    /// <param name="exact">The readings are exact (after a forced full collection): no serial-correlation correction.</param>
    /// <returns>Null with fewer than <see cref="MinPoints"/> readings or a missing one.</returns>
    public static IterationGrowth? Of(ReadOnlySpan<double> iterations, ReadOnlySpan<double> values, double minimumEffect, double alpha, bool exact)
    {
        if (values.Length < MinPoints)
        {
            return null;
        }

        foreach (double v in values)
        {
            if (!double.IsFinite(v))
            {
                return null;
            }
        }

        TrendEstimate t = TrendTest.Compute(iterations, values, correctSerialCorrelation: !exact);
        int middle = values.Length / 2;
        bool leaks = t.PRising < alpha && t.SlopeLow > minimumEffect
            && RisesIn(iterations[..(middle + 1)], values[..(middle + 1)], exact) && RisesIn(iterations[middle..], values[middle..], exact);
        return new IterationGrowth(t.Slope, t.SlopeLow, t.SlopeHigh, 1 - t.PRising, leaks, values.Length, values[0], values[^1]);
    }

    private static bool RisesIn(ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool exact) =>
        TrendTest.Compute(x, y, correctSerialCorrelation: !exact) is { PRising: < HalfAlpha, Slope: > 0 };

    /// <summary>The estimate as a trend, for comparing two runs' growth per iteration.</summary>
    public TrendEstimate AsTrend() => new(PerIteration, First, Low, High, 0, 1 - Confidence, 1, Points);
}
