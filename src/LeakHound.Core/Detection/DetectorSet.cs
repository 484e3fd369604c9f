using System.Collections.Concurrent;
using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>
/// The detectors of one target, one per series, created as series first appear — every verdict of LeakHound comes from
/// one of these: live watches, Hosting's monitor, <c>analyze</c>, reports, stored watches replayed, fleet scans. It
/// holds the one limit policy (<see cref="Detection.Limits"/>) and the garbage collections seen, which the runtime heap
/// series need as evidence; a runtime's collection counter feeds them as it is recorded.
/// </summary>
public sealed class DetectorSet
{
    /// <summary>
    /// Most per-process series kept. A script that spawns thousands of short-lived commands would otherwise grow the
    /// watcher without bound; tree-level series are always kept.
    /// </summary>
    public const int MaxPerProcessSeries = 300;

    private readonly DetectorOptions _options;
    private readonly bool _online;
    private readonly ConcurrentDictionary<SeriesKey, SeriesDetector> _detectors = new();
    private readonly List<SeriesKey> _order = [];
    private readonly Lock _gate = new();
    private int _perProcess;
    private long _dropped;
    private Limits _limits;

    /// <param name="options">The statistics.</param>
    /// <param name="limits">The target's limits.</param>
    /// <param name="online">Re-assess at every closed bucket (watches) or once at the end (scans): see <see cref="SeriesDetector"/>.</param>
    /// <param name="collections">The target's full collections, when something else feeds them too (a .NET runtime session, a trace).</param>
    /// <param name="countCollections">
    /// Mark a full collection whenever a runtime's collection counter records one (live); false when
    /// <paramref name="collections"/> already holds every collection of a replayed trace.
    /// </param>
    /// <param name="maxPerProcessSeries">Per-process series kept at most (a fleet scan keeps every series it asked for).</param>
    public DetectorSet(DetectorOptions options, Limits? limits = null, bool online = true, FullCollections? collections = null, bool countCollections = true,
        int maxPerProcessSeries = MaxPerProcessSeries)
    {
        _maxPerProcess = maxPerProcessSeries;
        _options = options;
        _online = online;
        _limits = limits ?? Limits.None;
        _countCollections = countCollections;
        Collections = collections ?? new FullCollections();
    }

    private readonly bool _countCollections;
    private readonly int _maxPerProcess;

    public DetectorOptions Options => _options;

    /// <summary>The full garbage collections seen: the evidence runtime heap series need for a leak.</summary>
    public FullCollections Collections { get; }

    /// <summary>The target's limits; setting them applies to every detector, present and future.</summary>
    public Limits Limits
    {
        get => _limits;
        set
        {
            _limits = value;
            foreach ((SeriesKey key, SeriesDetector detector) in _detectors)
            {
                detector.Limit = value.For(key);
            }
        }
    }

    /// <summary>The series in the order they first appeared.</summary>
    public IReadOnlyList<SeriesKey> Keys
    {
        get
        {
            lock (_gate)
            {
                return [.. _order];
            }
        }
    }

    public int Count => _detectors.Count;

    /// <summary>Samples of per-process series not kept because of <see cref="MaxPerProcessSeries"/>.</summary>
    public long DroppedPerProcessSamples => Interlocked.Read(ref _dropped);

    public SeriesDetector this[SeriesKey key] => _detectors[key];

    public bool TryGet(SeriesKey key, out SeriesDetector detector) => _detectors.TryGetValue(key, out detector!);

    /// <summary>
    /// Feeds one sample; the first one of a series creates its detector (unless the per-process cap is reached: then
    /// null). A runtime's collection counter marks its full collections first (not .NET's gen2 rate: its session adds
    /// them with the bytes they kept). Safe to call for different series from several threads.
    /// </summary>
    public SeriesDetector? Record(SeriesKey key, double t, double value)
    {
        if (_countCollections && value > 0 && key.Signal != FullCollections.Gen2RateSeries && RuntimeHeaps.CountsFullCollections(key.Name))
        {
            lock (_gate)
            {
                Collections.Add(t);
            }
        }

        SeriesDetector? detector = GetOrAdd(key);
        detector?.Add(t, value);
        return detector;
    }

    /// <summary>The detector of a series, created if new (null when the per-process cap keeps it out).</summary>
    public SeriesDetector? GetOrAdd(SeriesKey key)
    {
        if (_detectors.TryGetValue(key, out SeriesDetector? existing))
        {
            return existing;
        }

        lock (_gate)
        {
            if (_detectors.TryGetValue(key, out existing))
            {
                return existing;
            }

            if (key.IsPerProcess && _perProcess >= _maxPerProcess)
            {
                _dropped++;
                return null;
            }

            _perProcess += key.IsPerProcess ? 1 : 0;
            SeriesDetector created = new(key, _options, _limits.For(key), _online) 
            {
                LeakEvidence = Collections.EvidenceFor(key.Name) ?? PageCache.EvidenceFor(key, () => ActiveFileOf(key.Target)),
            };
            _detectors[key] = created;
            _order.Add(key);
            return created;
        }
    }

    private SeriesDetector? ActiveFileOf(string target) =>
        _detectors.TryGetValue(new SeriesKey(target, PageCache.ActiveFile), out SeriesDetector? d) ? d : null;

    /// <summary>The target's process was replaced at <paramref name="t"/>: every series is judged from there (<see cref="SeriesDetector.MarkRestart"/>).</summary>
    public void MarkRestart(double t)
    {
        lock (_gate)
        {
            foreach (SeriesDetector detector in _detectors.Values)
            {
                detector.MarkRestart(t);
            }
        }
    }

    /// <summary>Every series' verdict: current (live) or assessed on the whole history now (final); tree-level first.</summary>
    public IReadOnlyList<SeriesVerdict> Verdicts(bool final) =>
        [.. Keys.OrderBy(k => k.IsTreeLevel ? 0 : 1).Select(k => final ? _detectors[k].Evaluate() : _detectors[k].Current)];
}
