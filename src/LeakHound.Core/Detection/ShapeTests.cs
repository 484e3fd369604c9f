using System.Runtime.InteropServices;
using LeakHound.Core.Series;
using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>The healthy shapes a window can have besides a stopped rise: one step, a sawtooth.</summary>
internal static class ShapeTests
{
    /// <summary>Two flat levels, each holding at least an eighth of the floor points, a jump well above the noise.</summary>
    /// <param name="floor">The floor.</param>
    /// <param name="noise">The floor's noise.</param>
    /// <param name="jump">The jump (negative for a fall).</param>
    /// <param name="split">Index of the first floor point after the jump.</param>
    public static bool IsStep(Floor floor, double noise, out double jump, out int split)
    {
        jump = 0;
        split = -1;
        int n = floor.Y.Length;
        if (n < 8)
        {
            return false;
        }

        (split, double before, double after) = ShapeChecks.BestSplit(floor.Y, Math.Max(2, n / 8));
        jump = after - before;
        if (split < 0 || jump == 0 || Math.Abs(jump) <= Math.Max(6 * noise, floor.Quantum))
        {
            return false;
        }

        return IsFlat(floor.X[..split], floor.Y[..split], jump) && IsFlat(floor.X[split..], floor.Y[split..], jump);
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

    /// <summary>
    /// At least three one-step drops, each several times the largest one-step rise typical of the window and well above the
    /// floor's noise. The asymmetry is what marks a GC sawtooth (slow climb, sudden fall); plain noise falls as it rises,
    /// and a count that wiggles by one unit (a descriptor opened and closed) climbs as suddenly as it falls.
    /// </summary>
    public static bool IsSawtooth(ReadOnlySpan<Bucket> window, double noise, out double amplitude, out int drops)
    {
        amplitude = 0;
        double threshold = Math.Max(3 * TypicalStepRise(window), noise);
        List<double> falls = [];
        foreach (Bucket b in window)
        {
            if (b.MaxStepFall > threshold && b.MaxStepFall > 1e-9 * Math.Abs(b.Max))
            {
                falls.Add(b.MaxStepFall);
            }
        }

        drops = falls.Count;
        if (drops < 3)
        {
            return false;
        }

        amplitude = Selection.Median(CollectionsMarshal.AsSpan(falls));
        return true;
    }

    /// <summary>
    /// The 90th percentile of the buckets' one-step rises (those that rose at all), the yardstick a GC drop must beat 3×:
    /// for Gaussian noise (steps ~ N(0, 2σ²), p90 = 1.81σ) a fall of 5.4σ happens about once in 16,000 steps, and a ramp
    /// must climb for 4+ samples before its drop qualifies. Buckets that did not rise are left out, so a count that sits
    /// still between single-unit moves does not make every fall of one unit a "drop". Rises are taken per unit of time
    /// and scaled back to the mean sampling interval, so a sampler that a loaded machine delays now and then (a ramp's
    /// step over a double interval is twice as tall) does not raise the bar.
    /// </summary>
    private static double TypicalStepRise(ReadOnlySpan<Bucket> window)
    {
        long samples = 0;
        List<double> rates = new(window.Length);
        foreach (Bucket b in window)
        {
            samples += b.Count;
            if (b.MaxStepRiseRate > 0)
            {
                rates.Add(b.MaxStepRiseRate);
            }
        }

        if (rates.Count == 0)
        {
            return 0;
        }

        double span = window[^1].TLast - window[0].TFirst;
        double meanInterval = samples > 1 ? span / (samples - 1) : 0;
        Span<double> values = CollectionsMarshal.AsSpan(rates);
        return Selection.Select(values, (int)(0.9 * (values.Length - 1))) * meanInterval;
    }
}
