using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>
/// Offline analysis: feeds every series of a trace, sample by sample, to the same detectors a live watch uses — one
/// <see cref="DetectorSet"/> per target of the trace (<c>target/series</c> names), each with its own full collections
/// rebuilt from the trace first, so that its runtime heap series are judged as the live watch judged them.
/// </summary>
public static class TraceAnalysis
{
    /// <summary>Replays a trace into one detector set per target (the empty target: a trace of one).</summary>
    /// <param name="trace">The recorded trace.</param>
    /// <param name="options">Detector options.</param>
    /// <param name="limits">Each target's limits, by its label (a trace does not record them).</param>
    /// <param name="filter">Series to analyse (by their recorded name); all when null.</param>
    public static IReadOnlyDictionary<string, DetectorSet> Replay(Trace trace, DetectorOptions options, Func<string, Limits> limits, Func<string, bool>? filter = null)
    {
        Dictionary<string, List<(SeriesKey Key, string Recorded)>> byTarget = new(StringComparer.Ordinal);
        foreach (string recorded in trace.SeriesNames)
        {
            SeriesKey key = SeriesKey.Parse(recorded);
            if (!byTarget.TryGetValue(key.Target, out List<(SeriesKey, string)>? list))
            {
                byTarget[key.Target] = list = [];
            }

            list.Add((key, recorded));
        }

        Dictionary<string, DetectorSet> sets = new(StringComparer.Ordinal);
        foreach ((string target, List<(SeriesKey Key, string Recorded)> series) in byTarget)
        {
            // The target's collections first: every window of its heap series counts those up to its own end.
            FullCollections collections = FullCollections.FromTrace(Trace.From(
                series.SelectMany(s => trace[s.Recorded].Select(p => (p.T, s.Key.Name, p.Value)))));
            DetectorSet set = new(options, limits(target), collections: collections, countCollections: false);
            foreach ((SeriesKey key, string recorded) in series)
            {
                if (filter is not null && !filter(recorded))
                {
                    continue;
                }

                SeriesDetector? detector = set.GetOrAdd(key);
                foreach (Sample s in trace[recorded])
                {
                    detector?.Add(s.T, s.Value);
                }
            }

            if (set.Count > 0)
            {
                sets[target] = set;
            }
        }

        return sets;
    }

    /// <summary>The final verdict of every series of a trace, on the trace's clock (a trace of several targets: each its own).</summary>
    /// <param name="trace">The recorded trace.</param>
    /// <param name="options">Detector options.</param>
    /// <param name="limits">Each target's limits, by its label.</param>
    /// <param name="filter">Series to analyse; all when null.</param>
    public static IReadOnlyList<SeriesVerdict> Analyze(Trace trace, DetectorOptions options, Func<string, Limits> limits, Func<string, bool>? filter = null) =>
        [.. Replay(trace, options, limits, filter).Values.SelectMany(set => set.Verdicts(final: true))];
}
