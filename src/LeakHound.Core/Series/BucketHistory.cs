namespace LeakHound.Core.Series;

/// <summary>
/// A bounded, downsampled history of one series: at most <see cref="Capacity"/> time buckets of equal width.
/// When full, neighbouring buckets merge pairwise and the width doubles, so memory is constant however long
/// the watch runs and each sample costs amortised O(1).
/// </summary>
public sealed class BucketHistory
{
    private readonly Bucket[] _buckets;
    private int _count;
    private double _origin = double.NaN;
    private double _width;
    private long _samples;

    public BucketHistory(int capacity = 256)
    {
        if (capacity < 8 || capacity % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be an even number ≥ 8");
        }

        _buckets = new Bucket[capacity];
    }

    public int Capacity => _buckets.Length;

    /// <summary>Buckets in time order (the last one may still be filling).</summary>
    public ReadOnlySpan<Bucket> Buckets => _buckets.AsSpan(0, _count);

    /// <summary>Width of a bucket in time units; 0 before the second sample.</summary>
    public double Width => _width;

    public long SampleCount => _samples;

    public Sample? Latest { get; private set; }

    /// <summary>Adds a sample; returns true when it closed the previous bucket (a good moment to re-analyse).</summary>
    public bool Add(Sample sample)
    {
        _samples++;
        if (_count == 0)
        {
            _origin = sample.T;
            _buckets[0] = Bucket.Start(0, sample);
            _count = 1;
            Latest = sample;
            return false;
        }

        if (sample.T < Latest!.Value.T)
        {
            throw new ArgumentException($"samples must arrive in time order: {sample.T} after {Latest.Value.T}", nameof(sample));
        }

        Latest = sample;
        if (_width == 0)
        {
            double dt = sample.T - _origin;
            if (dt <= 0)
            {
                _buckets[0].Add(sample);
                return false;
            }

            // The first interval sets the resolution: one sample per bucket until the history fills.
            _width = dt;
        }

        long index = (long)Math.Floor((sample.T - _origin) / _width);
        ref Bucket current = ref _buckets[_count - 1];
        if (index <= current.Index)
        {
            current.Add(sample);
            return false;
        }

        if (_count == _buckets.Length)
        {
            // Sparse histories (gaps) may need more than one halving before a slot frees up.
            do
            {
                Compact();
            }
            while (_count == _buckets.Length);

            index = (long)Math.Floor((sample.T - _origin) / _width);
            if (index <= _buckets[_count - 1].Index)
            {
                _buckets[_count - 1].Add(sample);
                return true;
            }
        }

        ref Bucket last = ref _buckets[_count - 1];
        double previous = last.Last;
        Bucket next = Bucket.Start(index, sample);
        next.MaxStepFall = Math.Max(0, previous - sample.Value);
        next.MaxStepRiseRate = Bucket.RiseRate(previous, last.TLast, sample.Value, sample.T);
        _buckets[_count++] = next;
        return true;
    }

    /// <summary>Halves the resolution: buckets 2k and 2k+1 become bucket k.</summary>
    private void Compact()
    {
        _width *= 2;
        int write = 0;
        for (int read = 0; read < _count; read++)
        {
            long merged = _buckets[read].Index >> 1;
            if (write > 0 && _buckets[write - 1].Index == merged)
            {
                _buckets[write - 1] = Bucket.Merge(_buckets[write - 1], _buckets[read], merged);
            }
            else
            {
                Bucket b = _buckets[read];
                b.Index = merged;
                _buckets[write++] = b;
            }
        }

        _count = write;
    }
}
