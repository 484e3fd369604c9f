namespace LeakHound.Core.Series;

/// <summary>
/// Thins old samples for long-term storage without changing what the detector sees: per window, the lowest and the
/// highest sample are kept in time order. The detector judges the floor (post-drop minima) and the teeth (drops from
/// maxima), and its own buckets widen as a watch grows, so a window narrower than its buckets loses nothing it uses.
/// </summary>
public static class Downsampling
{
    /// <summary>
    /// Indexes of the samples to keep: every sample at or after <paramref name="keepRawFrom"/>, and before it the
    /// minimum and maximum of each <paramref name="window"/>-second window.
    /// </summary>
    public static List<int> Keep(IReadOnlyList<Sample> samples, double keepRawFrom, double window)
    {
        List<int> keep = new(samples.Count);
        int i = 0;
        while (i < samples.Count && samples[i].T < keepRawFrom)
        {
            double windowStart = Math.Floor(samples[i].T / window) * window;
            int lo = i;
            int hi = i;
            int j = i;
            for (; j < samples.Count && samples[j].T < keepRawFrom && samples[j].T < windowStart + window; j++)
            {
                if (samples[j].Value < samples[lo].Value) { lo = j; }
                if (samples[j].Value > samples[hi].Value) { hi = j; }
            }

            keep.Add(Math.Min(lo, hi));
            if (lo != hi)
            {
                keep.Add(Math.Max(lo, hi));
            }

            i = j;
        }

        for (; i < samples.Count; i++)
        {
            keep.Add(i);
        }

        return keep;
    }

    /// <summary>The window for a watch of <paramref name="span"/> seconds: well inside the detector's bucket width then.</summary>
    public static double WindowFor(double span, int historyCapacity) => Math.Max(1e-3, span / (historyCapacity * 4.0));
}
