using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Tests.Detection;

/// <summary>
/// A range judged at once (a fleet scan) of a service that leaks and is restarted every few hours: its newest life is
/// too short to judge alone, and the leak before the restart still stands while the floor climbs again — as the live
/// detector keeps a declared leak until the new process shows otherwise. A healthy service restarted as often is not.
/// </summary>
public sealed class RestartedLeakTests
{
    private const double Step = 60;

    private static SeriesVerdict Judge(double leakPerMinute, double lastLifeSeconds, double lastLifeDrift, bool markRestarts, int seed = 3)
    {
        Random rng = new(seed);
        SeriesDetector detector = new(SeriesKey.Of("container_memory_working_set_bytes"), DetectorOptions.Default, 1 << 30, online: false);
        double life = 5 * 3600 + 40 * 60;
        double t0 = 0;
        for (int n = 0; n < 5; n++, t0 += life)
        {
            bool last = n == 4;
            double drift = last ? lastLifeDrift : leakPerMinute * (1 << 20) / 60;
            if (markRestarts && n > 0)
            {
                detector.MarkRestart(t0);
            }

            foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, last ? lastLifeSeconds : life - Step, Step, 150e6, 40e6, 900, drift, 1e6))
            {
                detector.Add(t0 + t, v);
            }
        }

        return detector.Evaluate();
    }

    [Fact]
    public void ALeakThatKeepsRestarting_IsALeak_ThoughItsNewestLifeIsShort()
    {
        SeriesVerdict v = Judge(leakPerMinute: 2, lastLifeSeconds: 12 * 60, lastLifeDrift: 2.0 * (1 << 20) / 60, markRestarts: true);

        Assert.True(v.Verdict == Verdict.Leak, $"{v.Verdict}: {v.Reason}");
        Assert.Contains("until the restart", v.Reason);
        Assert.InRange(v.SlopePerSecond!.Value * 60 / (1 << 20), 1.6, 2.4);
    }

    [Fact]
    public void UntoldRestartsOfShortLives_AreNotGuessed()
    {
        // Each life under its sawtooth is one floor level: without being told of the restarts, the range cannot be split,
        // and a leak is not claimed on what cannot be seen.
        SeriesVerdict v = Judge(leakPerMinute: 2, lastLifeSeconds: 12 * 60, lastLifeDrift: 2.0 * (1 << 20) / 60, markRestarts: false);

        Assert.NotEqual(Verdict.Leak, v.Verdict);
    }

    [Fact]
    public void AHealthyServiceRestartedAsOften_IsNotALeak()
    {
        SeriesVerdict v = Judge(leakPerMinute: 0, lastLifeSeconds: 12 * 60, lastLifeDrift: 0, markRestarts: true);

        Assert.NotEqual(Verdict.Leak, v.Verdict);
    }

    [Fact]
    public void ALeakWhoseNewLifeHoldsFlat_IsNotCalledALeakOnItsPast()
    {
        // The fixed build deployed: two hours of a new life whose floor holds flat show otherwise (twelve minutes inside
        // one GC ramp would not: that new life has not shown anything yet, and the leak before it stands).
        SeriesVerdict v = Judge(leakPerMinute: 2, lastLifeSeconds: 2 * 3600, lastLifeDrift: 0, markRestarts: true);

        Assert.True(v.Verdict != Verdict.Leak, $"{v.Verdict}: {v.Reason}");
        Assert.DoesNotContain("until the restart", v.Reason);
    }
}
