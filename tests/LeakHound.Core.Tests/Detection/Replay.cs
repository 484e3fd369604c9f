using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Tests.Detection;

/// <summary>Feeds a series to the online detector one sample at a time and remembers what it said on the way.</summary>
internal sealed record Replay(double? FirstLeakAt, SeriesVerdict? AtFirstLeak, SeriesVerdict Final, IReadOnlySet<Verdict> Seen, SeriesVerdict? Retracted)
{
    public static Replay Of(IEnumerable<(double T, double Value)> series, DetectorOptions? options = null, double? limit = null) =>
        Of(series, new SeriesDetector("s", options, limit));

    public static Replay Of(IEnumerable<(double T, double Value)> series, SeriesDetector detector)
    {
        double? firstLeak = null;
        SeriesVerdict? atFirstLeak = null;
        SeriesVerdict? retracted = null;
        HashSet<Verdict> seen = [];
        foreach ((double t, double v) in series)
        {
            detector.Add(t, v);
            SeriesVerdict current = detector.Current;
            seen.Add(current.Verdict);
            if (current.Verdict == Verdict.Leak && firstLeak is null)
            {
                firstLeak = t;
                atFirstLeak = current;
            }

            if (current.Verdict != Verdict.Leak && firstLeak is not null)
            {
                retracted ??= current;
            }
        }

        SeriesVerdict final = detector.Evaluate();
        seen.Add(final.Verdict);
        if (final.Verdict != Verdict.Leak && firstLeak is not null)
        {
            retracted ??= final;
        }

        return new Replay(firstLeak, atFirstLeak, final, seen, retracted);
    }

    public override string ToString() =>
        $"first leak at {FirstLeakAt?.ToString() ?? "never"}, retracted {(Retracted is { } r ? $"at {r.AtSeconds}: {r.Reason}" : "never")}, final {Final.Verdict.ToName()} ({Final.Reason}), slope {Final.SlopePerSecond}, seen {string.Join(",", Seen)}";
}
