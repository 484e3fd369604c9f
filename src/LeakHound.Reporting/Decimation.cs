namespace LeakHound.Reporting;

/// <summary>
/// Keeps a chart's point count bounded: a long series is cut into buckets and each keeps its minimum and maximum, in
/// time order, so a sawtooth's teeth and floor survive (an average would erase both).
/// </summary>
internal static class Decimation
{
    public static (double[] T, double[] V) MinMax(IReadOnlyList<(double T, double V)> points, int maxPoints)
    {
        if (points.Count <= maxPoints)
        {
            return (points.Select(p => p.T).ToArray(), points.Select(p => p.V).ToArray());
        }

        int buckets = maxPoints / 2;
        List<double> t = new(maxPoints);
        List<double> v = new(maxPoints);
        for (int b = 0; b < buckets; b++)
        {
            int from = (int)((long)b * points.Count / buckets);
            int to = (int)((long)(b + 1) * points.Count / buckets);
            int lo = from;
            int hi = from;
            for (int i = from; i < to; i++)
            {
                if (points[i].V < points[lo].V) { lo = i; }
                if (points[i].V > points[hi].V) { hi = i; }
            }

            foreach (int i in lo == hi ? [lo] : lo < hi ? [lo, hi] : new[] { hi, lo })
            {
                t.Add(points[i].T);
                v.Add(points[i].V);
            }
        }

        return (t.ToArray(), v.ToArray());
    }
}
