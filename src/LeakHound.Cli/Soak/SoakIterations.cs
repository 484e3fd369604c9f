using System.Diagnostics;
using LeakHound.Probes;
using LeakHound.Probes.Go;
using LeakHound.Watching;

namespace LeakHound.Cli.Soak;

/// <summary>Iteration mode: the load N times, the service's signals read after each one.</summary>
internal static class SoakIterations
{
    /// <summary>The signals' values after each iteration (iteration 0: before the first), per series.</summary>
    /// <param name="Points">The signals' values after each iteration.</param>
    /// <param name="TargetExited">The target ended during the soak.</param>
    /// <param name="Seconds">How long it took.</param>
    /// <param name="Goroutines">With a Go target's pprof: the goroutine stacks that grew in both halves of the soak (growth per iteration).</param>
    /// <param name="GoroutinesError">Why its goroutines could not be read, when they could not.</param>
    public sealed record Readings(Dictionary<string, List<(double Iteration, double Value)>> Points, bool TargetExited, double Seconds,
        IReadOnlyList<GoroutineGrowth> Goroutines, string? GoroutinesError = null)
    {
        public List<SeriesGrowth> Growth(double alpha) =>
            [.. Points.Select(p => SeriesGrowth.Of(p.Key, p.Value, alpha)).OfType<SeriesGrowth>()];
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
        GoroutineCounts goroutines = new(service.Target.Pprof);
        for (int i = 0; i <= count && !cancel.IsCancellationRequested; i++)
        {
            if (i > 0)
            {
                await service.IterateAsync(cancel);
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(s.Watch.Watch.IntervalSeconds, 0.2)), cancel); // let the target settle
            if (i == 0 || i == count / 2 || i == count)
            {
                await goroutines.ReadAsync(i, cancel);
            }

            foreach ((string series, double value) in await SampleAsync(service.Target, clock.Elapsed.TotalSeconds, cancel))
            {
                if (!points.TryGetValue(series, out List<(double, double)>? list))
                {
                    points[series] = list = [];
                }

                list.Add((i, value));
            }

            if (service.Target.Tree.Ended)
            {
                return new Readings(points, true, clock.Elapsed.TotalSeconds, [], goroutines.Error);
            }
        }

        return new Readings(points, false, clock.Elapsed.TotalSeconds, await goroutines.GrowingAsync(cancel), goroutines.Error);
    }

    /// <summary>
    /// A Go target's goroutines before the first iteration, half way and after the last: a stack whose goroutines grew
    /// in both halves leaks per iteration (the reconnect incident's handler, one per reconnect).
    /// </summary>
    private sealed class GoroutineCounts(Uri? pprof)
    {
        private readonly List<(double T, IReadOnlyList<GoroutineStack> Stacks)> _counts = [];

        public string? Error { get; private set; }

        public async Task ReadAsync(int iteration, CancellationToken cancel)
        {
            if (pprof is null || Error is not null || _counts.Count > 0 && _counts[^1].T == iteration)
            {
                return;
            }

            using PprofEndpoint endpoint = new(pprof, TimeSpan.FromSeconds(30));
            try
            {
                _counts.Add((iteration, await endpoint.GoroutineCountsAsync(cancel)));
            }
            catch (PprofException e)
            {
                Error = e.Message;
            }
        }

        /// <summary>
        /// Growth "per second" of the diff is per iteration here: the counts' times are iteration numbers. The growing
        /// stacks get their state and creator from one dump read now.
        /// </summary>
        public async Task<IReadOnlyList<GoroutineGrowth>> GrowingAsync(CancellationToken cancel)
        {
            if (pprof is null || Error is not null)
            {
                return [];
            }

            using PprofEndpoint endpoint = new(pprof, TimeSpan.FromSeconds(30));
            (IReadOnlyList<GoroutineGrowth> growing, _) = await GoroutineGrowthDiff.WithDetailsAsync(GoroutineGrowthDiff.Growing(_counts), endpoint, cancel);
            return growing;
        }
    }

    /// <summary>One round of the target's sources, as a watch reads it (no PSS: it is costly), for the whole tree.</summary>
    private static async Task<List<KeyValuePair<string, double>>> SampleAsync(WatchTarget target, double t, CancellationToken cancel)
    {
        List<KeyValuePair<string, double>> values = [];
        foreach (SignalReadings readings in await target.ReadAsync(t, readCostly: false, cancel))
        {
            foreach (Reading r in readings.Values)
            {
                // A rate is a rate of work done, which an iteration changes by design; a process's own series is judged with its tree.
                if (!r.Series.StartsWith("rate(", StringComparison.Ordinal) && !target.KeyOf(r.Series).IsPerProcess)
                {
                    values.Add(new(r.Series, r.Value));
                }
            }
        }

        return values;
    }
}
