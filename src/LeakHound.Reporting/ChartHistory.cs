namespace LeakHound.Reporting;

/// <summary>
/// The points a live watch keeps for one chart of its report, bounded however long it runs: time is cut into equal
/// buckets, each keeping its lowest and highest point (a sawtooth's teeth and floor survive; an average would erase
/// both), and when there are too many the buckets are merged in pairs — so old and new parts of the watch keep the same
/// resolution. Memory: at most <see cref="MaxBuckets"/> × 2 points.
/// </summary>
public sealed class ChartHistory
{
    public const int MaxBuckets = ReportBuilder.MaxChartPoints / 2;

    private readonly List<Bucket> _buckets = [];
    private double _width; // 0: every point its own bucket (until the first merge)

    public int Count => _buckets.Count;

    public void Add(double t, double v)
    {
        if (!double.IsFinite(v))
        {
            return;
        }

        if (_buckets.Count > 0 && _width > 0 && Math.Floor(t / _width) == _buckets[^1].Index)
        {
            _buckets[^1] = _buckets[^1].With(t, v);
        }
        else
        {
            _buckets.Add(new Bucket(_width > 0 ? Math.Floor(t / _width) : t, (t, v), (t, v)));
        }

        if (_buckets.Count > MaxBuckets)
        {
            Widen();
        }
    }

    /// <summary>The points kept, in time order.</summary>
    public IReadOnlyList<(double T, double V)> Points()
    {
        List<(double, double)> points = new(_buckets.Count * 2);
        foreach (Bucket b in _buckets)
        {
            if (b.Low.T == b.High.T)
            {
                points.Add(b.Low);
            }
            else
            {
                points.Add(b.Low.T < b.High.T ? b.Low : b.High);
                points.Add(b.Low.T < b.High.T ? b.High : b.Low);
            }
        }

        return points;
    }

    /// <summary>Doubles the bucket width (the first time: wide enough for half the buckets) and merges what falls together.</summary>
    private void Widen()
    {
        double span = _buckets[^1].High.T - _buckets[0].Low.T;
        _width = _width > 0 ? _width * 2 : Math.Max(span / (MaxBuckets / 2.0), 1e-9);
        List<Bucket> merged = new(_buckets.Count / 2 + 1);
        foreach (Bucket b in _buckets)
        {
            double index = Math.Floor(Math.Min(b.Low.T, b.High.T) / _width);
            if (merged.Count > 0 && merged[^1].Index == index)
            {
                merged[^1] = merged[^1].With(b.Low.T, b.Low.V).With(b.High.T, b.High.V);
            }
            else
            {
                merged.Add(b with { Index = index });
            }
        }

        _buckets.Clear();
        _buckets.AddRange(merged);
    }

    private readonly record struct Bucket(double Index, (double T, double V) Low, (double T, double V) High)
    {
        public Bucket With(double t, double v) => new(Index, v < Low.V ? (t, v) : Low, v > High.V ? (t, v) : High);
    }
}
