using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Probes.Replay;

namespace LeakHound.Watching.Replay;

/// <summary>
/// The targets of a recorded trace, to replay it through a watch: one per target the trace names (<c>target/series</c>;
/// one for a trace of a single target), each with the full collections the trace shows — as <c>analyze</c> replays it.
/// </summary>
public static class ReplayTargets
{
    /// <param name="trace">The recording.</param>
    /// <param name="options">The statistics.</param>
    /// <param name="limits">Each target's limits, by its label (a trace does not record them).</param>
    /// <param name="singleLabel">The label of a trace's only target (its series carry none).</param>
    public static IReadOnlyList<WatchTarget> From(Trace trace, DetectorOptions options, Func<string, Limits> limits, string singleLabel)
    {
        List<WatchTarget> targets = [];
        foreach (IGrouping<string, (SeriesKey Key, string Recorded)> group in trace.SeriesNames
                     .Select(recorded => (Key: SeriesKey.Parse(recorded), Recorded: recorded))
                     .GroupBy(s => s.Key.Target, StringComparer.Ordinal))
        {
            string label = group.Key.Length > 0 ? group.Key : singleLabel;
            FullCollections collections = FullCollections.FromTrace(Trace.From(
                group.SelectMany(s => trace[s.Recorded].Select(p => (p.T, s.Key.Name, p.Value)))));
            DetectorSet detectors = new(options, limits(group.Key), collections: collections, countCollections: false);
            TraceReplaySource source = new(trace, [.. group.Select(s => (s.Recorded, s.Key.Name))]);
            targets.Add(new WatchTarget(label, source, detectors));
        }

        return targets;
    }

    /// <summary>The trace's own sampling interval: the median gap of its first series (1 s when it cannot tell).</summary>
    public static double IntervalOf(Trace trace)
    {
        if (trace.SeriesNames.Count == 0 || trace[trace.SeriesNames[0]].Count < 2)
        {
            return 1;
        }

        IReadOnlyList<Sample> samples = trace[trace.SeriesNames[0]];
        double[] gaps = [.. samples.Zip(samples.Skip(1), (a, b) => b.T - a.T).Where(g => g > 0).Order()];
        return gaps.Length == 0 ? 1 : gaps[gaps.Length / 2];
    }

    /// <summary>When the trace begins: its earliest sample.</summary>
    public static double StartOf(Trace trace) =>
        trace.SeriesNames.Where(s => trace[s].Count > 0).Select(s => trace[s][0].T).DefaultIfEmpty(0).Min();
}
