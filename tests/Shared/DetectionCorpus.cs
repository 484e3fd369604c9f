using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Simulation;
using LeakHound.Core.Traces;

namespace LeakHound.TestSupport;

// Linked as source into the Core tests (which score the detector on it in both directions) and the benchmark (which
// compares it with the baselines): one corpus for both.

/// <summary>One trace of the detection corpus with its truth.</summary>
/// <param name="Name">What it is.</param>
/// <param name="Leaks">The truth: the signal leaks (for <see cref="LeaksUntil"/> seconds, when set).</param>
/// <param name="Limit">The limit the alerting rules compare against, and the detector's time to limit.</param>
/// <param name="IntervalSeconds">The sampling interval.</param>
/// <param name="Samples">The signal.</param>
/// <param name="Source">"synthetic" or "recorded".</param>
internal sealed record LabelledCase(string Name, bool Leaks, double Limit, double IntervalSeconds, IReadOnlyList<(double T, double Value)> Samples, string Source)
{
    /// <summary>The signal's name: it tells the detector its kind (bytes, a count) and whether it is a runtime heap.</summary>
    public string Series { get; init; } = "rss";

    /// <summary>A leak that starts late: the trace time before which the signal is healthy.</summary>
    public double LeaksFrom { get; init; }

    /// <summary>A leak that stops: the trace time after which it no longer rises.</summary>
    public double? LeaksUntil { get; init; }

    /// <summary>Times of the full garbage collections a watch saw (for a runtime heap series).</summary>
    public IReadOnlyList<double> Collections { get; init; } = [];

    /// <summary>Whether LeakHound is expected to find this leak within the trace (a hard real one may stay undecided).</summary>
    public bool ExpectDetection { get; init; } = true;

    /// <summary>A detector for this case as a live watch would set it up (limit, collections as evidence).</summary>
    public SeriesDetector NewDetector(DetectorOptions options, bool online = true)
    {
        FullCollections collections = new();
        foreach (double t in Collections)
        {
            collections.Add(t);
        }

        return new SeriesDetector(Series, options, Limit, online) { LeakEvidence = collections.EvidenceFor(Series) };
    }
}

/// <summary>
/// The labelled corpus: synthetic shapes drawn with a fixed seed (each modelled on an incident, a real program or a
/// healthy pattern), plus traces recorded from real programs at real pace (bench/corpus/recorded, listed in cases.tsv;
/// bench/corpus/record.sh records them again).
/// </summary>
internal static class DetectionCorpus
{
    private const double MiB = 1024 * 1024;
    private const double GiB = 1024 * MiB;

    public static IReadOnlyList<LabelledCase> Build(int seed = 20261125) => [.. Synthetic(seed), .. Recorded()];

    public static IEnumerable<LabelledCase> Synthetic(int seed = 20261125)
    {
        Random rng = new(seed);
        const double hours2 = 7200;
        const double hour = 3600;
        return
        [
            // Leaks, shaped after ../shared/incidents
            Case("wav-broadcaster: 3 MiB/min under a GC sawtooth", true, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 112 * MiB, 30 * MiB, 25, 3 * MiB / 60, 1 * MiB)),
            Case("media-route: external memory 280 MiB/min", true, 32 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 16 * GiB, 600 * MiB, 40, 280 * MiB / 60, 20 * MiB)),
            Case("job-cache: 0.5 MiB/min, noisy", true, 8 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 500 * MiB, 50 * MiB, 60, 0.5 * MiB / 60, 4 * MiB)),
            Case("contact-cache: 1 MiB/min, no GC drops", true, 2 * GiB,
                Noisy(rng, SyntheticSeries.LinearFill(rng, hours2, 1, 300 * MiB, 120 * MiB, hours2, 0), 2 * MiB)),
            Case("reconnect goroutines: +1 per minute", true, 10000,
                SyntheticSeries.Staircase(rng, hours2, 1, 12, 60, 2), "go_goroutines"),
            Case("file streams: +1 fd per 10 s", true, 1024,
                SyntheticSeries.Staircase(rng, hours2, 1, 40, 10, 3), "fds"),
            Case("leak starting after 40 min of calm", true, 1 * GiB,
                LateLeak(rng, hours2, 2400, 200 * MiB, 2 * MiB / 60)) with { LeaksFrom = 2400 },
            Case("slow leak under a big sawtooth (8 MiB/min, 400 MiB teeth)", true, 4 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 300 * MiB, 400 * MiB, 90, 8 * MiB / 60, 8 * MiB)),
            Case("15 s scrapes: 2 MiB/min", true, 2 * GiB,
                SyntheticSeries.Sawtooth(rng, 6 * 3600, 15, 250 * MiB, 40 * MiB, 120, 2 * MiB / 60, 3 * MiB)),
            Case("upload buffering: 2 MiB/min under lingering 20–150 MiB peaks", true, 4 * GiB,
                SyntheticPeaks.Lingering(rng, hour, 1, 200 * MiB, 2 * MiB / 60, (20 * MiB, 150 * MiB), (10, 60), (15, 90), 3 * MiB, 0.6 * MiB)),
            Case("slow leak (1 MiB/min) under 30–90 MiB irregular churn", true, 4 * GiB,
                SyntheticPeaks.Lingering(rng, hour, 1, 200 * MiB, 1 * MiB / 60, (30 * MiB, 90 * MiB), (2, 40), (3, 23), 3 * MiB, 0.6 * MiB)),
            Case("/metrics render peaks every 30 s over a floor rising 2 MiB/min", true, 2 * GiB,
                SyntheticPeaks.Periodic(rng, hour, 1, 100 * MiB, 2 * MiB / 60, 60 * MiB, 30, 3, 1 * MiB)),
            Case("goroutines +10 every 5 s, one odd step (+11 or +9)", true, 100000,
                SyntheticCounts.Staircase(rng, 1200, 1, 50, 10, 5, 0, 1, 0), "go_goroutines"),
            Case("goroutines +10 per reconnect at irregular times, jittered, one restart", true, 100000,
                SyntheticCounts.Staircase(rng, hour, 1, 50, 10, 5, 0.6, 3, 2, [1500]), "go_goroutines"),
            Case("+1 thread per 10 minutes", true, 30000,
                SyntheticCounts.Staircase(rng, 3 * hour, 1, 20, 1, 600, 0.3, 0, 0), "threads"),
            Case("audit log entries: ~20 more every second", true, 1e9,
                SyntheticCounts.Staircase(rng, 1200, 1, 0, 1, 0.05, 0.9, 0, 0), "audit_log_entries"),
            Case("3 MiB/min leak, the service restarted every 20 minutes", true, 2 * GiB,
                Restarted(rng, hours2, 1200, 150 * MiB, 3 * MiB / 60)),
            Case("a leak that stops: 3 MiB/min under a GC sawtooth for 8 minutes", true, 2 * GiB,
                SyntheticPeaks.LeakThenStop(rng, hour, 1, 150 * MiB, 3 * MiB / 60, 480, 20 * MiB, 20, 1 * MiB)) with { LeaksUntil = 480 },

            // Healthy
            Case("healthy GC sawtooth, 30 s period", false, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 120 * MiB, 80 * MiB, 30, 0, 2 * MiB)),
            Case("heavy sawtooth, 600 MiB teeth, 150 s period", false, 4 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 300 * MiB, 600 * MiB, 150, 0, 10 * MiB)),
            Case("fast churn, 4 s period", false, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 200 * MiB, 40 * MiB, 4, 0, 1 * MiB)),
            Case("warm-up to plateau (τ = 2 min)", false, 2 * GiB,
                SyntheticSeries.WarmUp(rng, hours2, 1, 100 * MiB, 400 * MiB, 120, 3 * MiB)),
            Case("slow warm-up (τ = 4 min)", false, 2 * GiB,
                SyntheticSeries.WarmUp(rng, hours2, 1, 100 * MiB, 600 * MiB, 240, 3 * MiB)),
            Case("cache filling linearly for 3 min, then bounded", false, 2 * GiB,
                SyntheticSeries.LinearFill(rng, hours2, 1, 100 * MiB, 500 * MiB, 180, 2 * MiB)),
            Case("one-time step (+300 MiB at 30 min)", false, 2 * GiB,
                SyntheticSeries.Step(rng, hours2, 1, 200 * MiB, 300 * MiB, 1800, 2 * MiB)),
            Case("constant thread pool ± 3", false, 10000,
                SyntheticSeries.Staircase(rng, hours2, 1, 64, double.PositiveInfinity, 3), "threads"),
            Case("flat and noisy", false, 1 * GiB,
                SyntheticSeries.Step(rng, hours2, 1, 400 * MiB, 0, 0, 15 * MiB)),
            Case("sawtooth at 15 s scrapes", false, 2 * GiB,
                SyntheticSeries.Sawtooth(rng, 6 * 3600, 15, 250 * MiB, 300 * MiB, 300, 0, 5 * MiB)),
            Case("cache filling for 4.5 min to its bound, then exactly flat", false, 2 * GiB,
                SyntheticPeaks.FillThenFlat(rng, hour, 1, 20 * MiB, 64 * MiB, 270, 4096)),
            Case("cache filling for 5 min to its bound, then exactly flat", false, 2 * GiB,
                SyntheticPeaks.FillThenFlat(rng, hour, 1, 30 * MiB, 200 * MiB, 300, 4096)),
            GoHeap(rng, hour),
            Case("/metrics render peaks every 30 s over a flat floor", false, 2 * GiB,
                SyntheticPeaks.Periodic(rng, hour, 1, 100 * MiB, 0, 60 * MiB, 30, 3, 1 * MiB)),
            Case("lingering upload peaks over a flat floor", false, 4 * GiB,
                SyntheticPeaks.Lingering(rng, hour, 1, 200 * MiB, 0, (20 * MiB, 150 * MiB), (10, 60), (15, 90), 3 * MiB, 0.6 * MiB)),
            Case("descriptors wiggling by one around 25", false, 1024,
                SyntheticCounts.Wiggle(rng, hour, 1, 25, 0.05, 0.3), "fds"),
            Case("thread pool growing by one at ever longer gaps up to 40, then flat", false, 30000,
                SyntheticCounts.WarmingPool(rng, hour, 1, 8, 40, 5, 1.12), "threads"),
            Case("connection pool filling by steps for 4 min, then flat", false, 10000,
                SyntheticCounts.WarmingPool(rng, hour, 1, 10, 50, 6, 1.0), "process_open_fds"),
        ];
    }

    /// <summary>
    /// The traces recorded from real programs, listed in bench/corpus/recorded/cases.tsv: file, series, truth (leak or
    /// healthy), limit, the time a leak stops (or -), whether it must be found (yes or no).
    /// </summary>
    public static IEnumerable<LabelledCase> Recorded()
    {
        string dir = Path.Combine(Repo.Root, "bench", "corpus", "recorded");
        string manifest = Path.Combine(dir, "cases.tsv");
        if (!File.Exists(manifest))
        {
            yield break;
        }

        foreach (string line in File.ReadLines(manifest).Where(l => l.Length > 0 && l[0] != '#'))
        {
            string[] f = line.Split('\t');
            using StreamReader reader = new(Path.Combine(dir, f[0]));
            Trace trace = TraceReader.Read(reader);
            List<(double T, double Value)> samples = [.. trace[f[1]].Select(p => (p.T, p.Value))];
            FullCollections collections = FullCollections.FromTrace(trace);
            List<double> gcs = [];
            for (int i = 0; i < collections.Count; i++)
            {
                gcs.Add(collections.At(i));
            }

            yield return new LabelledCase($"recorded {Path.GetFileNameWithoutExtension(f[0])} ({f[1]})", f[2] == "leak",
                double.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture), samples[1].T - samples[0].T, samples, "recorded")
            {
                Series = f[1],
                LeaksUntil = f[4] == "-" ? null : double.Parse(f[4], System.Globalization.CultureInfo.InvariantCulture),
                Collections = gcs,
                ExpectDetection = f[5] == "yes",
            };
        }
    }

    private static LabelledCase Case(string name, bool leaks, double limit, IEnumerable<(double T, double Value)> samples, string series = "rss")
    {
        List<(double T, double Value)> list = [.. samples];
        double interval = list.Count > 1 ? list[1].T - list[0].T : 1;
        return new LabelledCase(name, leaks, limit, interval, list, "synthetic") { Series = series };
    }

    private static LabelledCase GoHeap(Random rng, double duration)
    {
        (List<(double T, double Value)> samples, List<double> collections) =
            SyntheticPeaks.HeapUntilFirstGc(rng, duration, 1, 40 * MiB, 150 * 1024, 330, 120, 64 * 1024);
        return new LabelledCase("Go heap growing until its first GC at 5.5 min, then collected every 2 min", false, 2 * GiB, 1, samples, "synthetic")
        {
            Series = "go_memstats_heap_alloc_bytes",
            Collections = collections,
        };
    }

    private static IEnumerable<(double T, double Value)> Noisy(Random rng, IEnumerable<(double T, double Value)> samples, double noise) =>
        samples.Select(s => (s.T, s.Value + noise * SyntheticSeries.Gaussian(rng)));

    private static IEnumerable<(double T, double Value)> LateLeak(Random rng, double duration, double start, double level, double rate)
    {
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, duration, 1, level, 20 * MiB, 30, 0, 1 * MiB))
        {
            yield return (t, v + Math.Max(0, t - start) * rate);
        }
    }

    /// <summary>A leak under a GC sawtooth whose process is restarted every <paramref name="every"/> seconds (back to its start-up size).</summary>
    private static IEnumerable<(double T, double Value)> Restarted(Random rng, double duration, double every, double level, double rate)
    {
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, duration, 1, level, 20 * MiB, 25, 0, 1 * MiB))
        {
            yield return (t, v + t % every * rate);
        }
    }
}
