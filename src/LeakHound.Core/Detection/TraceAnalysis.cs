using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>Offline analysis: feeds every series of a trace, sample by sample, to the same online detector used live.</summary>
public static class TraceAnalysis
{
    /// <param name="trace">The recorded trace.</param>
    /// <param name="options">Detector options.</param>
    /// <param name="byteLimit">Limit applied to byte-valued series (memory limit), if known.</param>
    /// <param name="filter">Series to analyse; all when null.</param>
    public static IReadOnlyList<SeriesVerdict> Analyze(Trace trace, DetectorOptions options, double? byteLimit, Func<string, bool>? filter = null)
    {
        List<SeriesVerdict> verdicts = [];
        FullCollections fullCollections = FullCollections.FromTrace(trace);
        foreach (string series in trace.SeriesNames)
        {
            if (filter is not null && !filter(series))
            {
                continue;
            }

            double? limit = SignalUnits.For(series) == SignalUnit.Bytes ? byteLimit : null;
            SeriesDetector detector = new(series, options, limit)
            {
                LeakEvidence = fullCollections.EvidenceFor(series),
            };
            foreach (Series.Sample s in trace[series])
            {
                detector.Add(s.T, s.Value);
            }

            // Report times on the trace's own clock, not relative to this series' first sample.
            SeriesVerdict v = detector.Evaluate();
            verdicts.Add(v with { DetectedAtSeconds = v.DetectedAtSeconds + detector.Origin, AtSeconds = v.AtSeconds + detector.Origin });
        }

        return verdicts;
    }
}
