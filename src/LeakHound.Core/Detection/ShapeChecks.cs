using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>Shape tests on floor points that tell a sustained rise from a warm-up or a one-time jump.</summary>
internal static class ShapeChecks
{
    /// <summary>Robust noise of a floor: MAD of first differences scaled to a standard deviation (immune to trend and steps).</summary>
    public static double Noise(double[] y)
    {
        if (y.Length < 3)
        {
            return 0;
        }

        double[] diffs = new double[y.Length - 1];
        for (int i = 1; i < y.Length; i++)
        {
            diffs[i - 1] = Math.Abs(y[i] - y[i - 1]);
        }

        // For Gaussian noise σ, |Δ| has median 0.954σ (Δ ~ N(0, 2σ²)).
        return Selection.Median(diffs) / 0.954;
    }

    /// <summary>Best single split of the floor into two constant levels (least squares), found in O(n) with prefix sums.</summary>
    public static (int Split, double Before, double After) BestSplit(double[] y, int minSegment)
    {
        int n = y.Length;
        double[] prefix = new double[n + 1];
        double[] prefixSq = new double[n + 1];
        // Centre and scale: squares stay small (no cancellation on byte-sized values, no overflow near 1e300).
        double reference = n > 0 ? y[0] : 0;
        double scale = 0;
        foreach (double v in y)
        {
            scale = Math.Max(scale, Math.Abs(v - reference));
        }

        scale = scale > 0 && double.IsFinite(scale) ? scale : 1;
        for (int i = 0; i < n; i++)
        {
            double v = (y[i] - reference) / scale;
            prefix[i + 1] = prefix[i] + v;
            prefixSq[i + 1] = prefixSq[i] + v * v;
        }

        int best = -1;
        double bestSse = double.PositiveInfinity;
        for (int k = minSegment; k <= n - minSegment; k++)
        {
            double sse = SegmentSse(prefix, prefixSq, 0, k) + SegmentSse(prefix, prefixSq, k, n);
            if (sse < bestSse)
            {
                bestSse = sse;
                best = k;
            }
        }

        if (best < 0)
        {
            return (-1, double.NaN, double.NaN);
        }

        return (best, Median(y, 0, best), Median(y, best, n));
    }

    public static double Median(double[] y, int from, int to)
    {
        double[] copy = y[from..to];
        return Selection.Median(copy);
    }

    private static double SegmentSse(double[] prefix, double[] prefixSq, int from, int to)
    {
        int m = to - from;
        double sum = prefix[to] - prefix[from];
        return prefixSq[to] - prefixSq[from] - sum * sum / m;
    }
}
