using LeakHound.Core.Series;
using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>Finds the floor under a sawtooth: the minimum of each cycle between drops ("post-drop minima").</summary>
/// <remarks>
/// A drop is a fall, within a bucket or across a bucket boundary, that is large against the typical fall
/// (4× the median fall, so ordinary jitter is not a GC), against the falls' spread (a noise outlier on a one-sample-per-bucket
/// ramp is not a GC either) and against the series' own range (10% of the 5–95% range, so a small
/// dip on a steep leak does not split it into "cycles"). With at least two drops the window is in cycle mode and the
/// partial cycle before the first drop is dropped (its phase is unknown). Otherwise each bucket's minimum is a floor point:
/// once buckets are wider than the GC period that minimum already is the floor. A count (a series of whole numbers:
/// threads, descriptors, goroutines) has no garbage collector: a fall of one unit is a thread ending, not a GC, so its
/// drops must be larger than one unit.
/// <para>
/// Two guards keep the floor a floor when the drops are irregular. A cycle many times longer than the typical one (the
/// drops stopped: a start-up's two GCs, then minutes without one) gives a floor point per bucket, not one point for
/// minutes. And a floor point that stands above the lowest floor point on each side of it, within a tenth of the window,
/// by more than six times the floor's step-to-step noise lies inside a peak (a cycle spent on a lingering upload
/// buffer, a bucket inside a big page render): it is left out, so tall peaks that last tens of seconds do not lift the
/// floor.
/// </para>
/// </remarks>
internal static class FloorExtractor
{
    /// <param name="buckets">The window.</param>
    /// <param name="mayBeCount">False for a byte series: its whole-number values are sizes, not counts.</param>
    public static Floor Extract(ReadOnlySpan<Bucket> buckets, bool mayBeCount = true)
    {
        int n = buckets.Length;
        double[] falls = new double[n];
        double[] scratch = new double[n];
        for (int i = 0; i < n; i++)
        {
            double across = i > 0 ? buckets[i - 1].Max - buckets[i].Min : 0;
            falls[i] = Math.Max(buckets[i].MaxFall, across);
        }

        double quantum = mayBeCount && IsCount(buckets) ? 1 : 0;
        double threshold = Math.Max(DropThreshold(buckets, falls, scratch), quantum);
        // A fall that straddles a bucket boundary shows in both buckets: one drop, not two.
        List<int> drops = [];
        for (int i = 0; i < n; i++)
        {
            if (falls[i] > threshold && (drops.Count == 0 || drops[^1] != i - 1))
            {
                drops.Add(i);
            }
        }

        if (drops.Count >= 2)
        {
            return CycleFloor(buckets, drops, falls, quantum);
        }

        List<double> x = new(n);
        List<double> y = new(n);
        AddBucketMinima(buckets, 0, n, x, y);
        (double[] fx, double[] fy) = WithoutExcursions(x, y);
        (double[] tx, double[] ty) = CollapseRuns(fx, fy);
        return new Floor(fx, fy, tx, ty, 0, 0, quantum);
    }

    private static void AddBucketMinima(ReadOnlySpan<Bucket> buckets, int from, int to, List<double> x, List<double> y)
    {
        for (int i = from; i < to; i++)
        {
            x.Add(buckets[i].TMin);
            y.Add(buckets[i].Min);
        }
    }

    /// <summary>Share of the window on each side of a floor point in which a lower point on both sides makes it an excursion.</summary>
    private const double ExcursionWindow = 0.1;

    /// <summary>
    /// Leaves out the floor points that stand above the lowest point on each side of them (within a tenth of the window,
    /// and at least the three nearest) by more than six times the typical step between floor points: they lie inside
    /// a peak (a lower bar would clip the noise's upper tail where a point has fewer neighbours, near the end, and bias
    /// the slope: it cost the 95% interval 2.5 points of coverage). The first and last points stay (they have no neighbour on one side), and so does a step or a fall (one
    /// side is as high as the point), and every point of a rising floor (its right side is higher).
    /// </summary>
    private static (double[] X, double[] Y) WithoutExcursions(List<double> x, List<double> y)
    {
        int n = y.Count;
        if (n < 5)
        {
            return (x.ToArray(), y.ToArray());
        }

        // The typical non-zero step: a staircase's or a flat series' many zero steps must not make the margin zero.
        List<double> steps = new(n);
        for (int i = 1; i < n; i++)
        {
            double d = Math.Abs(y[i] - y[i - 1]);
            if (d > 0)
            {
                steps.Add(d);
            }
        }

        double margin = steps.Count == 0 ? 0 : 6 * Selection.Median(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(steps)) / 0.954;
        double reach = ExcursionWindow * (x[^1] - x[0]);
        List<double> keptX = new(n);
        List<double> keptY = new(n);
        for (int i = 0; i < n; i++)
        {
            if (i > 0 && i < n - 1)
            {
                double left = double.PositiveInfinity;
                double right = double.PositiveInfinity;
                for (int k = 1; i - k >= 0 && (k <= 3 || x[i] - x[i - k] <= reach); k++)
                {
                    left = Math.Min(left, y[i - k]);
                }

                for (int k = 1; i + k < n && (k <= 3 || x[i + k] - x[i] <= reach); k++)
                {
                    right = Math.Min(right, y[i + k]);
                }

                if (y[i] > Math.Max(left, right) + margin)
                {
                    continue;
                }
            }

            keptX.Add(x[i]);
            keptY.Add(y[i]);
        }

        return (keptX.ToArray(), keptY.ToArray());
    }

    /// <summary>True when every sample seen is a whole number (min, max, first and last of each bucket are samples).</summary>
    public static bool IsCount(ReadOnlySpan<Bucket> buckets)
    {
        foreach (Bucket b in buckets)
        {
            if (!IsWhole(b.Min) || !IsWhole(b.Max) || !IsWhole(b.First) || !IsWhole(b.Last))
            {
                return false;
            }
        }

        return buckets.Length > 0;
    }

    private static bool IsWhole(double v) => Math.Abs(v) < 1e15 && v == Math.Floor(v);

    private static double DropThreshold(ReadOnlySpan<Bucket> buckets, double[] falls, double[] scratch)
    {
        falls.CopyTo(scratch, 0);
        double medianFall = Selection.Median(scratch);
        // Where buckets hold one sample each the typical "fall" is the ramp's negative step, so 4× the median says
        // nothing about the noise: a fall must also stand out of the falls' own spread (4.5 robust standard deviations,
        // about 3 in a million for Gaussian noise), or a noisy ramp splits into false cycles whose minima sit up the ramp.
        for (int i = 0; i < falls.Length; i++)
        {
            scratch[i] = Math.Abs(falls[i] - medianFall);
        }

        double outlier = medianFall + 4.5 * 1.4826 * Selection.Median(scratch);
        for (int i = 0; i < buckets.Length; i++)
        {
            scratch[i] = buckets[i].Min;
        }

        double low = Quantile(scratch, 0.05);
        for (int i = 0; i < buckets.Length; i++)
        {
            scratch[i] = buckets[i].Max;
        }

        double high = Quantile(scratch, 0.95);
        double range = Math.Max(0, high - low);
        double resolution = 1e-9 * Math.Max(1, Math.Abs(high));
        return Math.Max(Math.Max(Math.Max(4 * medianFall, outlier), 0.1 * range), resolution);
    }

    /// <summary>How many typical cycles long a cycle must be to stop counting as one: the drops stopped.</summary>
    private const double LongCycle = 4;

    /// <summary>...and the share of the window it must span.</summary>
    private const double LongCycleShare = 0.2;

    private static Floor CycleFloor(ReadOnlySpan<Bucket> buckets, List<int> drops, double[] falls, double quantum)
    {
        int cycles = drops.Count;
        double[] lengths = new double[cycles - 1];
        for (int c = 0; c + 1 < cycles; c++)
        {
            lengths[c] = buckets[drops[c + 1]].TFirst - buckets[drops[c]].TFirst;
        }

        double typical = Selection.Median(lengths.ToArray());
        List<double> x = new(cycles);
        List<double> y = new(cycles);
        double[] sizes = new double[cycles];
        for (int c = 0; c < cycles; c++)
        {
            int from = drops[c];
            int to = c + 1 < cycles ? drops[c + 1] : buckets.Length;
            sizes[c] = falls[from];
            double length = (to < buckets.Length ? buckets[to].TFirst : buckets[^1].TLast) - buckets[from].TFirst;
            if (length > LongCycle * typical && length > LongCycleShare * (buckets[^1].TLast - buckets[0].TFirst) && to - from > 1)
            {
                AddBucketMinima(buckets, from, to, x, y);
                continue;
            }

            double min = double.PositiveInfinity;
            double tMin = 0;
            for (int i = from; i < to; i++)
            {
                if (buckets[i].Min < min)
                {
                    min = buckets[i].Min;
                    tMin = buckets[i].TMin;
                }
            }

            x.Add(tMin);
            y.Add(min);
        }

        (double[] fx, double[] fy) = WithoutExcursions(x, y);
        return new Floor(fx, fy, fx, fy, cycles, Selection.Median(sizes), quantum);
    }

    /// <summary>A count that stays put for many samples is one observation, not many: keep the first point of each run.</summary>
    private static (double[] X, double[] Y) CollapseRuns(double[] x, double[] y)
    {
        List<double> tx = new(x.Length);
        List<double> ty = new(y.Length);
        for (int i = 0; i < x.Length; i++)
        {
            if (i == 0 || y[i] != y[i - 1])
            {
                tx.Add(x[i]);
                ty.Add(y[i]);
            }
        }

        return (tx.ToArray(), ty.ToArray());
    }

    private static double Quantile(double[] values, double p)
    {
        int k = Math.Clamp((int)Math.Round(p * (values.Length - 1)), 0, values.Length - 1);
        return Selection.Select(values, k);
    }
}
