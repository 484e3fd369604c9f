namespace LeakHound.Core.Simulation;

/// <summary>
/// Labelled shapes with transient peaks over a floor: lingering irregular peaks (whole uploads held in memory), periodic
/// tall ones (a big /metrics page rendered every scrape), heavy churn, a leak that stops. Deterministic for a seed.
/// </summary>
public static class SyntheticPeaks
{
    /// <summary>
    /// A floor rising at <paramref name="drift"/> per second under peaks of random height (between the bounds), width and
    /// spacing, each lasting as long as it is wide; a small GC tooth (<paramref name="tooth"/> over 7 s) and noise on top.
    /// </summary>
    public static IEnumerable<(double T, double Value)> Lingering(Random rng, double duration, double interval, double floor, double drift,
        (double Min, double Max) height, (double Min, double Max) width, (double Min, double Max) gap, double tooth, double noise)
    {
        List<(double Start, double End, double Height)> peaks = [];
        for (double at = Draw(rng, gap); at < duration; )
        {
            double w = Draw(rng, width);
            peaks.Add((at, at + w, Draw(rng, height)));
            at += w + Draw(rng, gap);
        }

        int next = 0;
        for (double t = 0; t <= duration; t += interval)
        {
            while (next < peaks.Count && peaks[next].End <= t)
            {
                next++;
            }

            double v = floor + drift * t + tooth * (t % 7) / 7 + noise * SyntheticSeries.Gaussian(rng);
            for (int i = next; i < peaks.Count && peaks[i].Start <= t; i++)
            {
                v += t < peaks[i].End ? peaks[i].Height : 0;
            }

            yield return (t, v);
        }
    }

    /// <summary>A tall peak of about <paramref name="height"/> (±20%) lasting <paramref name="width"/> every <paramref name="period"/> seconds over a floor rising at <paramref name="drift"/>.</summary>
    public static IEnumerable<(double T, double Value)> Periodic(Random rng, double duration, double interval, double floor, double drift,
        double height, double period, double width, double noise)
    {
        double phase = rng.NextDouble() * period;
        for (double t = 0; t <= duration; t += interval)
        {
            double peak = (t + phase) % period < width ? height * (0.8 + 0.4 * rng.NextDouble()) : 0;
            yield return (t, floor + drift * t + peak + noise * SyntheticSeries.Gaussian(rng));
        }
    }

    /// <summary>A GC sawtooth over a floor that rises at <paramref name="drift"/> until <paramref name="stopAt"/> and stays where it got to.</summary>
    public static IEnumerable<(double T, double Value)> LeakThenStop(Random rng, double duration, double interval, double floor, double drift,
        double stopAt, double amplitude, double period, double noise)
    {
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, duration, interval, floor, amplitude, period, 0, noise))
        {
            yield return (t, v + drift * Math.Min(t, stopAt));
        }
    }

    /// <summary>
    /// A cache filling steadily for <paramref name="fillTime"/> up to its bound, then exactly flat (memcached -m, Redis
    /// maxmemory: the allocator holds the same pages), in whole pages of <paramref name="page"/> bytes.
    /// </summary>
    public static IEnumerable<(double T, double Value)> FillThenFlat(Random rng, double duration, double interval, double start, double rise,
        double fillTime, double page)
    {
        for (double t = 0; t <= duration; t += interval)
        {
            double v = start + rise * Math.Min(1, t / fillTime) + (t < fillTime ? page * rng.Next(0, 8) : 0);
            yield return (t, Math.Round(v / page) * page);
        }
    }

    /// <summary>
    /// A garbage-collected heap whose first collection comes late: <paramref name="live"/> bytes kept, garbage piling up
    /// at <paramref name="garbageRate"/> until the first collection at <paramref name="firstGcAt"/>, then a collection
    /// every <paramref name="period"/> seconds back to the same live size. The collections' times come with it.
    /// </summary>
    public static (List<(double T, double Value)> Samples, List<double> Collections) HeapUntilFirstGc(Random rng, double duration, double interval,
        double live, double garbageRate, double firstGcAt, double period, double noise)
    {
        List<(double, double)> samples = [];
        List<double> collections = [];
        double lastGc = 0;
        double nextGc = firstGcAt;
        for (double t = 0; t <= duration; t += interval)
        {
            if (t >= nextGc)
            {
                collections.Add(t);
                lastGc = t;
                nextGc = t + period * (0.8 + 0.4 * rng.NextDouble());
            }

            samples.Add((t, live + garbageRate * (t - lastGc) + noise * SyntheticSeries.Gaussian(rng)));
        }

        return (samples, collections);
    }

    private static double Draw(Random rng, (double Min, double Max) range) => range.Min + rng.NextDouble() * (range.Max - range.Min);
}
