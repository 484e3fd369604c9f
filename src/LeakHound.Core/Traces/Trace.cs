using LeakHound.Core.Series;

namespace LeakHound.Core.Traces;

/// <summary>A recorded trace: samples per series, each sorted by time, series in order of first appearance.</summary>
public sealed class Trace
{
    private readonly Dictionary<string, List<Sample>> _series = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public IReadOnlyList<string> SeriesNames => _order;

    /// <summary>Rows whose time went backwards within their series; the reader sorted them.</summary>
    public long OutOfOrderRows { get; private set; }

    public long SampleCount { get; private set; }

    public IReadOnlyList<Sample> this[string series] => _series[series];

    /// <summary>A trace from samples in any order (e.g. a stored watch); sorted by time per series.</summary>
    public static Trace From(IEnumerable<(double T, string Series, double Value)> samples)
    {
        Trace trace = new();
        foreach ((double t, string series, double value) in samples)
        {
            trace.Add(series, t, value);
        }

        trace.SortIfNeeded();
        return trace;
    }

    internal void Add(string series, double t, double value)
    {
        if (!_series.TryGetValue(series, out List<Sample>? samples))
        {
            samples = [];
            _series[series] = samples;
            _order.Add(series);
        }

        if (samples.Count > 0 && t < samples[^1].T)
        {
            OutOfOrderRows++;
        }

        samples.Add(new Sample(t, value));
        SampleCount++;
    }

    /// <summary>Stable sort by time of any series that arrived out of order.</summary>
    internal void SortIfNeeded()
    {
        if (OutOfOrderRows == 0)
        {
            return;
        }

        foreach (List<Sample> samples in _series.Values)
        {
            Sample[] sorted = samples.OrderBy(s => s.T).ToArray();
            samples.Clear();
            samples.AddRange(sorted);
        }
    }
}
