using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Detection;

/// <summary>
/// Verdicts that hold in both directions, on generated series (1 s samples, default options unless said): a leak is
/// never called healthy at any moment, a healthy shape is never called a leak, and a healthy verdict always comes with
/// the bound it claims.
/// </summary>
public sealed class BothDirectionsPropertyTests
{
    private const double MiB = 1024 * 1024;

    /// <summary>Feeds a series and reads the verdict after every sample.</summary>
    private static (List<SeriesVerdict> Seen, SeriesVerdict Final) Watch(IEnumerable<(double T, double Value)> series, string name = "rss", DetectorOptions? options = null, SeriesDetector? detector = null)
    {
        detector ??= new SeriesDetector(name, options, limit: 64 * 1024 * MiB);
        List<SeriesVerdict> seen = [];
        foreach ((double t, double v) in series)
        {
            detector.Add(t, v);
            seen.Add(detector.Current);
        }

        return (seen, detector.Evaluate());
    }

    private static bool Healthy(SeriesVerdict v) => v.Verdict is Verdict.Stable or Verdict.Sawtooth or Verdict.Plateau or Verdict.Step;

    private static string Describe(SeriesVerdict? v) => v is null ? "" : $"{v.Verdict.ToName()} at {v.AtSeconds:0}s: {v.Reason}";

    [Property(MaxTest = 25)]
    public void ALeakUnderLingeringPeaks_IsNeverCalledHealthy_AndIsFound(PositiveInt heightStep, PositiveInt widthStep, PositiveInt gapStep, int seed)
    {
        double drift = 2 * MiB / 60;
        double height = (3 + heightStep.Get % 8) * drift * 600;             // 3…10× the floor's rise over 10 minutes
        double width = 10 + widthStep.Get % 51;                              // peaks linger 10…60 s
        double gap = 15 + gapStep.Get % 106;                                 // 15…120 s apart
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(SyntheticPeaks.Lingering(new Random(seed), 3600, 1, 200 * MiB, drift,
            (0.5 * height, height), (0.5 * width, width), (0.5 * gap, gap), 2 * MiB, 0.5 * MiB));

        Assert.True(seen.FirstOrDefault(Healthy) is null, $"height {height / MiB:0} MiB, width {width}, gap {gap}: {Describe(seen.FirstOrDefault(Healthy)!)}");
        Assert.True(final.Verdict == Verdict.Leak, $"height {height / MiB:0} MiB, width {width}, gap {gap}: never found; {Describe(final)}");
        Assert.InRange(final.SlopePerSecond!.Value, 0.7 * drift, 1.3 * drift);
    }

    [Property(MaxTest = 25)]
    public void AFlatFloorUnderLingeringPeaks_IsNeverALeak(PositiveInt heightStep, PositiveInt widthStep, PositiveInt gapStep, int seed)
    {
        double height = (20 + heightStep.Get % 200) * MiB;
        double width = 10 + widthStep.Get % 51;
        double gap = 15 + gapStep.Get % 106;
        (List<SeriesVerdict> seen, _) = Watch(SyntheticPeaks.Lingering(new Random(seed), 3600, 1, 200 * MiB, 0,
            (0.5 * height, height), (0.5 * width, width), (0.5 * gap, gap), 2 * MiB, 0.5 * MiB));

        SeriesVerdict? leak = seen.FirstOrDefault(v => v.Verdict == Verdict.Leak);
        Assert.True(leak is null, $"height {height / MiB:0} MiB, width {width}, gap {gap}: {(leak is null ? "" : Describe(leak))}");
    }

    [Property(MaxTest = 30)]
    public void AnIrregularStaircase_WithOddStepsAndARestart_IsALeak_NeverHealthy(PositiveInt stepChoice, PositiveInt everyStep, PositiveInt oddStep, bool restart, int seed)
    {
        int step = stepChoice.Get % 2 == 0 ? 1 : 10;
        double every = 2 + everyStep.Get % 29;                               // an event every 2…30 s, ±50%
        int odd = oddStep.Get % 4;                                           // 0…3 steps one more or one less
        double duration = 300 + 40 * every + 900;
        IEnumerable<(double T, double Value)> series = SyntheticCounts.Staircase(new Random(seed), duration, 1, 50, step, every, 0.5, odd, 0,
            restart ? [duration * 0.6] : null);
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(series, "go_goroutines");

        string what = $"+{step} every {every}s, {odd} odd steps, restart {restart}";
        Assert.True(seen.FirstOrDefault(Healthy) is null, $"{what}: {Describe(seen.FirstOrDefault(Healthy)!)}");
        Assert.True(final.Verdict == Verdict.Leak, $"{what}: {Describe(final)}");
        Assert.True(seen.FindIndex(v => v.Verdict == Verdict.Leak) is >= 0 and var at && at <= 300 + 20 * every, $"{what}: declared too late or never");
    }

    [Property(MaxTest = 25)]
    public void ACacheThatFillsThenStaysExactlyFlat_IsNeverALeak(PositiveInt fillStep, PositiveInt riseStep, int seed)
    {
        double fill = 30 + fillStep.Get % 271;                               // fills for 30 s … 5 minutes
        double rise = (10 + riseStep.Get % 500) * MiB;
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(SyntheticPeaks.FillThenFlat(new Random(seed), 1800, 1, 20 * MiB, rise, fill, 4096));

        SeriesVerdict? leak = seen.FirstOrDefault(v => v.Verdict == Verdict.Leak);
        Assert.True(leak is null, $"fill {fill}s, rise {rise / MiB:0} MiB: {(leak is null ? "" : Describe(leak))}");
        Assert.Equal(Verdict.Plateau, final.Verdict);
    }

    [Property(MaxTest = 20)]
    public void ACountThatWigglesByOne_IsNeverASawtooth_AndStableOnceBounded(PositiveInt levelStep, PositiveInt upStep, int seed)
    {
        int level = 5 + levelStep.Get % 200;
        double pUp = 0.01 + (upStep.Get % 20) / 100.0;
        // A generous negligible growth (100% of the level an hour) so that half an hour can bound a count of whole units.
        DetectorOptions options = DetectorOptions.Default with { NegligibleGrowthPerHour = 1 };
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(SyntheticCounts.Wiggle(new Random(seed), 1800, 1, level, pUp, 0.3), "fds", options);

        Assert.True(seen.All(v => v.Verdict != Verdict.Sawtooth && v.Shape != Verdict.Sawtooth), $"level {level}, p {pUp}: a sawtooth");
        Assert.True(final.Verdict == Verdict.Stable, $"level {level}, p {pUp}: {Describe(final)}");
    }

    [Property(MaxTest = 20)]
    public void ALeakThatStops_KeepsItsPageInTheFinalWord(PositiveInt stopStep, int seed)
    {
        double stop = 500 + stopStep.Get % 600;
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(SyntheticPeaks.LeakThenStop(new Random(seed), 3000, 1, 150 * MiB, 3 * MiB / 60, stop, 20 * MiB, 20, 1 * MiB));

        Assert.Contains(seen, v => v.Verdict == Verdict.Leak);
        Assert.True(seen.Where(v => v.AtSeconds <= stop).All(v => !Healthy(v)), $"stop at {stop}: healthy before it stopped");
        Assert.True(final.Verdict == Verdict.Leak && final.LeakStoppedAtSeconds is { } at && at > stop, $"stop at {stop}: {Describe(final)}");
        Assert.Contains("then stopped", final.Reason);
        Assert.Null(final.TimeToLimitSeconds);
    }

    [Property(MaxTest = 30)]
    public void ALeakFasterThanTheNegligibleGrowth_IsNeverCalledHealthy(PositiveInt shapeStep, PositiveInt rateStep, PositiveInt noiseStep, int seed)
    {
        // 5%…50% of a 100 MiB level per hour: at least five times the default negligible growth of 1%/h.
        double drift = 100 * MiB * (0.05 + (rateStep.Get % 46) / 100.0) / 3600;
        double noise = drift * (5 + noiseStep.Get % 60);
        Random rng = new(seed);
        IEnumerable<(double T, double Value)> series = (shapeStep.Get % 3) switch
        {
            0 => SyntheticSeries.Sawtooth(rng, 2400, 1, 100 * MiB, 40 * noise, 10 + rng.Next(50), drift, noise),
            1 => SyntheticSeries.LinearFill(rng, 2400, 1, 100 * MiB, drift * 2400, 2400, 0).Select(p => (p.T, p.Value + noise * SyntheticSeries.Gaussian(rng))),
            _ => SyntheticPeaks.Periodic(rng, 2400, 1, 100 * MiB, drift, 60 * noise, 30, 3, noise),
        };
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(series);

        SeriesVerdict? healthy = seen.FirstOrDefault(Healthy) ?? (Healthy(final) ? final : null);
        Assert.True(healthy is null, $"shape {shapeStep.Get % 3}, {drift * 3600 / MiB:0.0} MiB/h, noise {noise / MiB:0.00} MiB: {(healthy is null ? "" : Describe(healthy))}");
    }

    [Property(MaxTest = 30)]
    public void AHealthyVerdict_ComesWithTheBoundItClaims(PositiveInt shapeStep, int seed)
    {
        Random rng = new(seed);
        IEnumerable<(double T, double Value)> series = (shapeStep.Get % 4) switch
        {
            0 => SyntheticSeries.Sawtooth(rng, 3600, 1, 100 * MiB, 20 * MiB, 20 + rng.Next(40), 0, 0.2 * MiB),
            1 => SyntheticPeaks.FillThenFlat(rng, 3600, 1, 20 * MiB, 100 * MiB, 60 + rng.Next(200), 4096),
            2 => SyntheticSeries.Step(rng, 3600, 1, 100 * MiB, 50 * MiB, 1200, 0.1 * MiB),
            _ => SyntheticSeries.Step(rng, 3600, 1, 100 * MiB, 0, 0, 0.1 * MiB),
        };
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(series);

        foreach (SeriesVerdict v in seen.Append(final).Where(Healthy))
        {
            Assert.True(v.SlopeHigh is { } high && v.NegligiblePerSecond is { } bar && high <= bar, $"shape {shapeStep.Get % 4}: {Describe(v)} claims {v.SlopeHigh} ≤ {v.NegligiblePerSecond}");
            Assert.Contains("at most", v.Reason);
        }
    }

    [Fact]
    public void AGoHeapThatGrowsWithNoCollectionInView_IsNotALeak_AndSaysWhy()
    {
        FullCollections none = new();
        SeriesDetector detector = new("go_memstats_heap_alloc_bytes") { LeakEvidence = none.EvidenceFor("go_memstats_heap_alloc_bytes") };
        (List<SeriesVerdict> seen, SeriesVerdict final) = Watch(SyntheticSeries.LinearFill(new Random(3), 900, 1, 40 * MiB, 200 * MiB, 900, 0.1 * MiB), detector: detector);

        Assert.DoesNotContain(seen, v => v.Verdict == Verdict.Leak);
        Assert.Contains("no garbage collection seen yet", final.Reason);
        Assert.Contains("Go", final.Reason);
    }

    [Fact]
    public void AGoHeapThatKeepsGrowingAcrossCollections_IsALeak()
    {
        FullCollections collections = new();
        for (double t = 60; t <= 1800; t += 120)
        {
            collections.Add(t);
        }

        SeriesDetector detector = new("go_memstats_heap_alloc_bytes") { LeakEvidence = collections.EvidenceFor("go_memstats_heap_alloc_bytes") };
        // Collected every 2 minutes back to a floor that rises by 1 MiB a minute.
        IEnumerable<(double T, double Value)> heap = Enumerable.Range(0, 1801).Select(i => (T: (double)i, Value: 40 * MiB + i * MiB / 60 + (i % 120) * 0.5 * MiB));
        (_, SeriesVerdict final) = Watch(heap, detector: detector);

        Assert.Equal(Verdict.Leak, final.Verdict);
    }
}
