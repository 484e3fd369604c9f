using System.Diagnostics;
using LeakHound.Cli.Watching;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Soak;

/// <summary>Iteration mode: the load N times, the service's signals read after each one.</summary>
internal static class SoakIterations
{
    /// <summary>The signals' values after each iteration (iteration 0: before the first), per series.</summary>
    public sealed record Readings(Dictionary<string, List<(double Iteration, double Value)>> Points, bool TargetExited, double Seconds)
    {
        public List<IterationGrowth> Growth(double alpha) =>
            [.. Points.Select(p => IterationGrowth.Of(p.Key, p.Value, alpha)).OfType<IterationGrowth>()];
    }

    public static async Task<Readings> RunAsync(SoakService service, SoakSettings s, CancellationToken cancel)
    {
        int count = s.Iterations!.Value;
        Stopwatch clock = Stopwatch.StartNew();
        int warmupIterations = s.WarmupSeconds > 0 ? 0 : Math.Max(1, count / 10);
        Stopwatch warm = Stopwatch.StartNew();
        for (int i = 0; i < warmupIterations || warm.Elapsed.TotalSeconds < s.WarmupSeconds; i++)
        {
            await service.IterateAsync(cancel);
        }

        Dictionary<string, List<(double, double)>> points = new(StringComparer.Ordinal);
        for (int i = 0; i <= count && !cancel.IsCancellationRequested; i++)
        {
            if (i > 0)
            {
                await service.IterateAsync(cancel);
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(s.Watch.IntervalSeconds, 0.2)), cancel); // let the target settle
            foreach ((string series, double value) in await SampleAsync(service.Target, clock.Elapsed.TotalSeconds, cancel))
            {
                if (!points.TryGetValue(series, out List<(double, double)>? list))
                {
                    points[series] = list = [];
                }

                list.Add((i, value));
            }

            if (service.Target.Sampler.AllExited)
            {
                return new Readings(points, true, clock.Elapsed.TotalSeconds);
            }
        }

        return new Readings(points, false, clock.Elapsed.TotalSeconds);
    }

    /// <summary>One reading of the target's signals (the same as a watch round, without a detector).</summary>
    private static async Task<List<KeyValuePair<string, double>>> SampleAsync(WatchedTarget target, double t, CancellationToken cancel)
    {
        TreeSnapshot snap = target.Sampler.Sample(readPss: false);
        List<KeyValuePair<string, double>> values = [new("rss", snap.Rss), new("threads", snap.Threads), new("procs", snap.ProcessCount)];
        if (snap.Anon is { } anon) { values.Add(new("anon", anon)); }
        if (snap.Fds is { } fds) { values.Add(new("fds", fds)); }
        foreach (LeakHound.Probes.Prometheus.MetricsScraper scraper in target.Scrapers)
        {
            LeakHound.Probes.Prometheus.ScrapeResult r = await scraper.ScrapeAsync(t, cancel);
            values.AddRange(r.Values.Where(v => !v.Key.StartsWith("rate(", StringComparison.Ordinal)));
        }

        return values;
    }
}
