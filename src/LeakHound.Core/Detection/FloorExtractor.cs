using LeakHound.Core.Series;
using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>Finds the floor under a sawtooth: the minimum of each cycle between drops ("post-drop minima").</summary>
/// <remarks>
/// A drop is a fall, within a bucket or across a bucket boundary, that is large against both the typical fall
/// (4× the median fall, so ordinary jitter is not a GC) and the series' own range (10% of the 5–95% range, so a small
/// dip on a steep leak does not split it into "cycles"). With at least two drops the window is in cycle mode and the
/// partial cycle before the first drop is dropped (its phase is unknown). Otherwise each bucket's minimum is a floor point:
/// once buckets are wider than the GC period that minimum already is the floor.
/// </remarks>
internal static class FloorExtractor
{
    public static Floor Extract(ReadOnlySpan<Bucket> buckets)
    {
        int n = buckets.Length;
        double[] falls = new double[n];
        double[] scratch = new double[n];
        for (int i = 0; i < n; i++)
        {
            double across = i > 0 ? buckets[i - 1].Max - buckets[i].Min : 0;
            falls[i] = Math.Max(buckets[i].MaxFall, across);
        }

        double threshold = DropThreshold(buckets, falls, scratch);
        List<int> drops = [];
        for (int i = 0; i < n; i++)
        {
            if (falls[i] > threshold)
            {
                drops.Add(i);
            }
        }

        if (drops.Count >= 2)
        {
            return CycleFloor(buckets, drops, falls);
        }

        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = buckets[i].TMin;
            y[i] = buckets[i].Min;
        }

        (double[] tx, double[] ty) = CollapseRuns(x, y);
        return new Floor(x, y, tx, ty, 0, 0);
    }

    private static double DropThreshold(ReadOnlySpan<Bucket> buckets, double[] falls, double[] scratch)
    {
        falls.CopyTo(scratch, 0);
        double medianFall = Selection.Median(scratch);
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
        return Math.Max(Math.Max(4 * medianFall, 0.1 * range), resolution);
    }

    private static Floor CycleFloor(ReadOnlySpan<Bucket> buckets, List<int> drops, double[] falls)
    {
        int cycles = drops.Count;
        double[] x = new double[cycles];
        double[] y = new double[cycles];
        double[] sizes = new double[cycles];
        for (int c = 0; c < cycles; c++)
        {
            int from = drops[c];
            int to = c + 1 < cycles ? drops[c + 1] : buckets.Length;
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

            x[c] = tMin;
            y[c] = min;
            sizes[c] = falls[from];
        }

        return new Floor(x, y, x, y, cycles, Selection.Median(sizes));
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
