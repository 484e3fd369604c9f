using LeakHound.Core.Simulation;
using LeakHound.Core.Traces;

namespace LeakHound.Bench.Detection;

/// <summary>
/// The labelled corpus: synthetic shapes drawn with a fixed seed (each modelled on an incident or on a healthy pattern),
/// plus traces recorded from the sample programs in bench/corpus/recorded.
/// </summary>
internal static class Corpus
{
    private const double MiB = 1024 * 1024;
    private const double GiB = 1024 * MiB;

    public static IReadOnlyList<LabelledCase> Build(int seed = 20261125)
    {
        Random rng = new(seed);
        const double hours2 = 7200;
        List<LabelledCase> cases =
        [
            // Leaks, shaped after ../shared/incidents
            Synthetic("wav-broadcaster: 3 MiB/min under a GC sawtooth", true, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 112 * MiB, 30 * MiB, 25, 3 * MiB / 60, 1 * MiB)),
            Synthetic("media-route: external memory 280 MiB/min", true, 32 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 16 * GiB, 600 * MiB, 40, 280 * MiB / 60, 20 * MiB)),
            Synthetic("job-cache: 0.5 MiB/min, noisy", true, 8 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 500 * MiB, 50 * MiB, 60, 0.5 * MiB / 60, 4 * MiB)),
            Synthetic("contact-cache: 1 MiB/min, no GC drops", true, 2 * GiB,
                Noisy(rng, SyntheticSeries.LinearFill(rng, hours2, 1, 300 * MiB, 120 * MiB, hours2, 0), 2 * MiB)),
            Synthetic("reconnect goroutines: +1 per minute", true, 10000,
                SyntheticSeries.Staircase(rng, hours2, 1, 12, 60, 2)),
            Synthetic("file streams: +1 fd per 10 s", true, 1024,
                SyntheticSeries.Staircase(rng, hours2, 1, 40, 10, 3)),
            Synthetic("leak starting after 40 min of calm", true, 1 * GiB,
                LateLeak(rng, hours2, 2400, 200 * MiB, 2 * MiB / 60)),
            Synthetic("slow leak under a big sawtooth (8 MiB/min, 400 MiB teeth)", true, 4 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 300 * MiB, 400 * MiB, 90, 8 * MiB / 60, 8 * MiB)),
            Synthetic("15 s scrapes: 2 MiB/min", true, 2 * GiB,
                SyntheticSeries.Sawtooth(rng, 6 * 3600, 15, 250 * MiB, 40 * MiB, 120, 2 * MiB / 60, 3 * MiB)),

            // Healthy
            Synthetic("healthy GC sawtooth, 30 s period", false, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 120 * MiB, 80 * MiB, 30, 0, 2 * MiB)),
            Synthetic("heavy sawtooth, 600 MiB teeth, 150 s period", false, 4 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 300 * MiB, 600 * MiB, 150, 0, 10 * MiB)),
            Synthetic("fast churn, 4 s period", false, 1 * GiB,
                SyntheticSeries.Sawtooth(rng, hours2, 1, 200 * MiB, 40 * MiB, 4, 0, 1 * MiB)),
            Synthetic("warm-up to plateau (τ = 2 min)", false, 2 * GiB,
                SyntheticSeries.WarmUp(rng, hours2, 1, 100 * MiB, 400 * MiB, 120, 3 * MiB)),
            Synthetic("slow warm-up (τ = 4 min)", false, 2 * GiB,
                SyntheticSeries.WarmUp(rng, hours2, 1, 100 * MiB, 600 * MiB, 240, 3 * MiB)),
            Synthetic("cache filling linearly for 3 min, then bounded", false, 2 * GiB,
                SyntheticSeries.LinearFill(rng, hours2, 1, 100 * MiB, 500 * MiB, 180, 2 * MiB)),
            Synthetic("one-time step (+300 MiB at 30 min)", false, 2 * GiB,
                SyntheticSeries.Step(rng, hours2, 1, 200 * MiB, 300 * MiB, 1800, 2 * MiB)),
            Synthetic("constant thread pool ± 3", false, 10000,
                SyntheticSeries.Staircase(rng, hours2, 1, 64, double.PositiveInfinity, 3)),
            Synthetic("flat and noisy", false, 1 * GiB,
                SyntheticSeries.Step(rng, hours2, 1, 400 * MiB, 0, 0, 15 * MiB)),
            Synthetic("sawtooth at 15 s scrapes", false, 2 * GiB,
                SyntheticSeries.Sawtooth(rng, 6 * 3600, 15, 250 * MiB, 300 * MiB, 300, 0, 5 * MiB)),
        ];
        cases.AddRange(Recorded());
        return cases;
    }

    private static LabelledCase Synthetic(string name, bool leaks, double limit, IEnumerable<(double T, double Value)> samples)
    {
        List<(double T, double Value)> list = samples.ToList();
        double interval = list.Count > 1 ? list[1].T - list[0].T : 1;
        return new LabelledCase(name, leaks, limit, interval, list, "synthetic");
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

    /// <summary>Traces recorded with <c>leakhound run --out</c> from the sample programs; name them leak-*.csv or healthy-*.csv.</summary>
    private static IEnumerable<LabelledCase> Recorded()
    {
        string dir = Path.Combine(Repo.Root, "bench", "corpus", "recorded");
        if (!Directory.Exists(dir))
        {
            yield break;
        }

        foreach (string file in Directory.EnumerateFiles(dir, "*.csv").Order())
        {
            string name = Path.GetFileNameWithoutExtension(file);
            string series = name.Contains("thread") ? "threads" : name.Contains("fd") ? "fds" : "rss";
            using StreamReader reader = new(file);
            Trace trace = TraceReader.Read(reader);
            List<(double T, double Value)> samples = trace[series].Select(p => (p.T, p.Value)).ToList();
            double limit = series == "rss" ? 1 * GiB : 10000;
            bool leaks = name.StartsWith("leak", StringComparison.Ordinal);
            yield return new LabelledCase($"recorded {name} ({series})", leaks, limit, samples[1].T - samples[0].T, samples, "recorded");
        }
    }
}
