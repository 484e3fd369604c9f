using System.Collections.Immutable;
using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes;

namespace LeakHound.Hosting;

/// <summary>
/// The service's own leak verdicts: the same <see cref="DetectorSet"/> a watch gives each target (one detector per
/// signal, the one limit policy), fed by <see cref="LeakMonitorService"/>. Readers (health check, metrics, your code)
/// get an immutable snapshot without locking. Memory is bounded: a detector keeps a fixed number of buckets however long
/// the service runs, and the set of signals is fixed by the source.
/// </summary>
public sealed class LeakMonitor
{
    /// <summary>A source cannot invent series without bound (it is ours, but a guard costs nothing).</summary>
    private const int MaxSeries = 64;

    private readonly DetectorSet _detectors;
    private readonly Dictionary<string, SeriesKey> _keys = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ImmutableArray<SeriesVerdict> _verdicts = [];
    private double _firstT = double.NaN;

    internal LeakMonitor(DetectorOptions detector, Limits limits)
    {
        _detectors = new DetectorSet(detector, limits);
    }

    /// <summary>The latest verdict of every watched signal, in the order they first appeared.</summary>
    public ImmutableArray<SeriesVerdict> Verdicts => _verdicts;

    /// <summary>Seconds since monitoring began (after the warm-up), at the last sample.</summary>
    public double ObservedSeconds { get; private set; }

    /// <summary>Number of samples taken so far.</summary>
    public long SampleCount { get; private set; }

    /// <summary>The limits the signals are measured against.</summary>
    public Limits Limits => _detectors.Limits;

    /// <summary>Raised after each sample with the verdicts then current (on the sampling thread).</summary>
    internal event Action<ImmutableArray<SeriesVerdict>>? Sampled;

    /// <summary>Feeds one round of readings (each value at its own time, seconds on the monitor's clock).</summary>
    internal void Record(SignalReadings readings)
    {
        ImmutableArray<SeriesVerdict> verdicts;
        lock (_gate)
        {
            foreach (double live in readings.FullCollections)
            {
                _detectors.Collections.Add(readings.T, live); // as a watch does: the managed heap's evidence
            }

            foreach (Reading r in readings.Values)
            {
                if (!_keys.TryGetValue(r.Series, out SeriesKey? key))
                {
                    if (_keys.Count >= MaxSeries)
                    {
                        continue;
                    }

                    key = SeriesKey.Of(r.Series);
                    _keys.Add(r.Series, key);
                }

                _detectors.Record(key, r.T, r.Value);
            }

            verdicts = [.. _detectors.Verdicts(final: false)];
            _verdicts = verdicts;
            SampleCount++;
            if (double.IsNaN(_firstT))
            {
                _firstT = readings.T;
            }

            ObservedSeconds = readings.T - _firstT;
        }

        Sampled?.Invoke(verdicts);
    }

    /// <summary>Feeds one reading of every signal taken at <paramref name="t"/> seconds.</summary>
    internal void Record(double t, IEnumerable<KeyValuePair<string, double>> values)
    {
        SignalReadings readings = new(t);
        foreach ((string series, double value) in values)
        {
            readings.Add(series, value);
        }

        Record(readings);
    }
}
