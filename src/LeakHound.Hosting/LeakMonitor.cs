using System.Collections.Immutable;
using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Hosting;

/// <summary>
/// The service's own leak verdicts: one online detector per signal, fed by <see cref="LeakMonitorService"/>. Readers
/// (health check, metrics, your code) get an immutable snapshot without locking. Memory is bounded: a detector keeps a
/// fixed number of buckets however long the service runs, and the set of signals is fixed by the source.
/// </summary>
public sealed class LeakMonitor
{
    /// <summary>A source cannot invent series without bound (it is ours, but a guard costs nothing).</summary>
    private const int MaxSeries = 64;

    private readonly DetectorOptions _detector;
    private readonly Func<string, double?> _limitFor;
    private readonly Dictionary<string, SeriesDetector> _detectors = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private ImmutableArray<SeriesVerdict> _verdicts = [];

    internal LeakMonitor(DetectorOptions detector, Func<string, double?> limitFor)
    {
        _detector = detector;
        _limitFor = limitFor;
    }

    /// <summary>The latest verdict of every watched signal, in the order they first appeared.</summary>
    public ImmutableArray<SeriesVerdict> Verdicts => _verdicts;

    /// <summary>Seconds since monitoring began (after the warm-up), at the last sample.</summary>
    public double ObservedSeconds { get; private set; }

    /// <summary>Number of samples taken so far.</summary>
    public long SampleCount { get; private set; }

    /// <summary>Raised after each sample with the verdicts then current (on the sampling thread).</summary>
    internal event Action<ImmutableArray<SeriesVerdict>>? Sampled;

    /// <summary>Feeds one reading of every signal taken at <paramref name="t"/> seconds (any monotonic clock).</summary>
    internal void Record(double t, List<KeyValuePair<string, double>> readings)
    {
        ImmutableArray<SeriesVerdict> verdicts;
        lock (_gate)
        {
            foreach ((string series, double value) in readings)
            {
                if (!_detectors.TryGetValue(series, out SeriesDetector? detector))
                {
                    if (_detectors.Count >= MaxSeries)
                    {
                        continue;
                    }

                    detector = new SeriesDetector(series, _detector, _limitFor(series));
                    _detectors.Add(series, detector);
                }

                detector.Add(t, value);
            }

            ImmutableArray<SeriesVerdict>.Builder builder = ImmutableArray.CreateBuilder<SeriesVerdict>(_detectors.Count);
            foreach (SeriesDetector detector in _detectors.Values)
            {
                builder.Add(detector.Current);
            }

            verdicts = builder.MoveToImmutable();
            _verdicts = verdicts;
            SampleCount++;
            ObservedSeconds = verdicts.Length > 0 ? verdicts.Max(v => v.AtSeconds) : 0;
        }

        Sampled?.Invoke(verdicts);
    }

    /// <summary>The limit a series is measured against: the memory limit for memory, the descriptor limit for FDs.</summary>
    internal static Func<string, double?> Limits(double? memoryLimit, double? fdLimit) => series =>
        series == "fds" ? fdLimit
        : series is "rss" or "anon" ? memoryLimit
        : SignalUnits.For(series) == SignalUnit.Bytes && series.Contains("gc_", StringComparison.Ordinal) ? memoryLimit
        : null;
}
