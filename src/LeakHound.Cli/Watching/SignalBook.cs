using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Watching;

/// <summary>The series of one target: one detector per series, created when a series first appears.</summary>
public sealed class SignalBook(DetectorOptions options, Func<string, double?> limitFor)
{
    private readonly Dictionary<string, SeriesState> _series = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public IReadOnlyList<string> SeriesNames => _order;

    public SeriesState this[string series] => _series[series];

    public void Record(double t, string series, double value)
    {
        if (!_series.TryGetValue(series, out SeriesState? state))
        {
            state = new SeriesState(new SeriesDetector(series, options, limitFor(series)));
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

    /// <summary>True when every tree-level series has a decided verdict, or any series leaks.</summary>
    public bool IsDecided()
    {
        bool allDecided = true;
        foreach (string s in _order)
        {
            SeriesVerdict v = _series[s].Detector.Current;
            if (v.Verdict == Verdict.Leak)
            {
                return true;
            }

            // PSS is read only now and then (it is costly on big processes): it never holds a watch up.
            if (!s.Contains('{') && s != "pss" && v.Verdict == Verdict.Insufficient)
            {
                allDecided = false;
            }
        }

        return allDecided && _order.Count > 0;
    }

    public static double? LimitFor(string series, double? memoryLimit, double? fdLimit) => SignalUnits.For(series) switch
    {
        SignalUnit.Bytes => memoryLimit,
        _ when SignalUnits.BaseName(series) == "fds" => fdLimit,
        _ => null,
    };
}
