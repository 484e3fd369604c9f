namespace LeakHound.Probes.Prometheus;

/// <summary>
/// Turns cumulative samples (counters, histogram/summary sums and counts) into per-second rates between scrapes,
/// treating a decrease as a counter reset (as Prometheus' <c>rate()</c> does). The first scrape of a series has no rate.
/// </summary>
public sealed class CounterRates
{
    private readonly Dictionary<string, (double T, double Value)> _last = new(StringComparer.Ordinal);

    /// <summary>The rate since the previous scrape, or null for the first one.</summary>
    public double? Next(string series, double t, double value)
    {
        double? rate = null;
        if (_last.TryGetValue(series, out (double T, double Value) previous) && t > previous.T)
        {
            double increase = value >= previous.Value ? value - previous.Value : value; // reset: counted from zero
            rate = increase / (t - previous.T);
        }

        _last[series] = (t, value);
        return rate;
    }

    public int Count => _last.Count;
}
