using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Watching;

/// <summary>The series of one target: one detector per series, created when a series first appears.</summary>
public sealed class SignalBook(DetectorOptions options, Func<string, double?> limitFor)
{
    /// <summary>
    /// Most per-process series kept for one target. A script that spawns thousands of short-lived commands would
    /// otherwise grow the watcher without bound; tree totals are always kept.
    /// </summary>
    public const int MaxPerProcessSeries = 300;

    private int _perProcessSeries;

    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public IReadOnlyList<string> SeriesNames => _order;

    /// <summary>For each new series, the outside evidence its leak verdict needs (none by default).</summary>
    public Func<string, LeakEvidence?> EvidenceFor { get; init; } = _ => null;

    /// <summary>Samples of per-process series not kept because of <see cref="MaxPerProcessSeries"/>.</summary>
    public long DroppedPerProcessSamples { get; private set; }

    public SeriesState this[string series] => _series[series];

    public void Record(double t, string series, double value)
    {
        if (!_series.TryGetValue(series, out SeriesState? state))
        {
            bool perProcess = series.Contains('{');
            if (perProcess && _perProcessSeries >= MaxPerProcessSeries)
            {
                DroppedPerProcessSamples++;
                return;
            }

            _perProcessSeries += perProcess ? 1 : 0;
            state = new SeriesState(new SeriesDetector(series, options, limitFor(series)) { LeakEvidence = EvidenceFor(series) });
            _series[series] = state;
            _order.Add(series);
        }

        state.Add(t, value);
    }

    /// <summary>Current verdicts, tree-level series first.</summary>
    public IReadOnlyList<SeriesVerdict> Verdicts(bool final) =>
        _order.OrderBy(s => s.Contains('{') ? 1 : 0)
            .Select(s => final ? _series[s].Detector.Evaluate() : _series[s].Detector.Current)
            .ToList();

    /// <summary>True when every resource series of the target has a settled verdict, or any series leaks.</summary>
    public bool IsDecided()
    {
        bool allSettled = true;
        foreach (string s in _order)
        {
            SeriesState state = _series[s];
            if (state.Verdict == Verdict.Leak)
            {
                return true;
            }

            if (IsResource(s) && !state.IsSettled)
            {
                allSettled = false;
            }
        }

        return allSettled && _order.Count > 0;
    }

    /// <summary>
    /// The series a watch's conclusion rests on: the target's memory and counts as a whole (not per process), which
    /// must all be judged before <c>--until-verdict</c> stops or a soak passes. Rates of counters and other gauges
    /// still fail a soak when they leak, but need no bound to pass it; PSS is read only now and then (it is costly on
    /// big processes) and never holds a watch up.
    /// </summary>
    public static bool IsResource(string series) =>
        !series.Contains('{') && series != "pss" && SignalUnits.For(series) is SignalUnit.Bytes or SignalUnit.Count;

    public static double? LimitFor(string series, double? memoryLimit, double? fdLimit) => SignalUnits.For(series) switch
    {
        SignalUnit.Bytes => memoryLimit,
        _ when SignalUnits.BaseName(series) is "fds" or "process_open_fds" => fdLimit,
        _ => null,
    };
}
