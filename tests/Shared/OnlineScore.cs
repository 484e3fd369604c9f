using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;

namespace LeakHound.TestSupport;

/// <summary>
/// A corpus case replayed through the online detector as a live watch would see it, with the verdict read at every
/// 30-second cut of the trace: in both directions, what it claimed that was false.
/// </summary>
/// <param name="Case">The case.</param>
/// <param name="FirstLeakAt">Trace time of the first <c>leak</c> (read after every sample), or null.</param>
/// <param name="FalseHealthy">Cuts at which a leaking case (while it leaked) got a healthy verdict.</param>
/// <param name="FalseLeakAt">For a healthy case, the first time it was called a leak.</param>
/// <param name="Final">The final word at the end of the trace.</param>
internal sealed record OnlineScore(LabelledCase Case, double? FirstLeakAt, IReadOnlyList<(double T, SeriesVerdict Verdict)> FalseHealthy, double? FalseLeakAt, SeriesVerdict Final)
{
    public const double CutEvery = 30;

    public static bool IsHealthy(Verdict v) => v is Verdict.Stable or Verdict.Sawtooth or Verdict.Plateau or Verdict.Step;

    public static OnlineScore Of(LabelledCase c, DetectorOptions? options = null)
    {
        SeriesDetector detector = c.NewDetector(options ?? DetectorOptions.Default);
        double start = c.Samples[0].T;
        double nextCut = start + CutEvery;
        double? firstLeak = null;
        List<(double, SeriesVerdict)> falseHealthy = [];
        foreach ((double t, double v) in c.Samples)
        {
            detector.Add(t, v);
            SeriesVerdict now = detector.Current;
            if (now.Verdict == Verdict.Leak)
            {
                firstLeak ??= t;
            }

            if (t >= nextCut)
            {
                nextCut += CutEvery;
                if (c.Leaks && IsHealthy(now.Verdict) && t - start >= c.LeaksFrom && (c.LeaksUntil is not { } until || t <= until))
                {
                    falseHealthy.Add((t - start, now));
                }
            }
        }

        double? relativeLeak = firstLeak - start;
        return new OnlineScore(c, c.Leaks ? relativeLeak : null, falseHealthy, c.Leaks ? null : relativeLeak, detector.Evaluate());
    }

    public override string ToString() =>
        $"{Case.Name}: first leak {FirstLeakAt?.ToString("0") ?? FalseLeakAt?.ToString("0") ?? "never"}, "
        + $"healthy on a leak at {(FalseHealthy.Count == 0 ? "no cut" : string.Join(", ", FalseHealthy.Take(3).Select(f => $"{f.T:0}s ({f.Verdict.Verdict.ToName()}: {f.Verdict.Reason})")))}, "
        + $"final {Final.Verdict.ToName()} ({Final.Reason})";
}
