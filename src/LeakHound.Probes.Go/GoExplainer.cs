using System.Diagnostics;

namespace LeakHound.Probes.Go;

/// <summary>What grew inside a Go program over a few snapshots of its pprof: goroutine stacks and heap allocation sites.</summary>
public sealed record GoExplanation(int? Pid, Uri Pprof, IReadOnlyList<(double T, IReadOnlyList<GoroutineStack> Stacks)> Dumps,
    IReadOnlyList<(double T, IReadOnlyList<HeapSite> Sites)> Heaps, IReadOnlyList<GoroutineGrowth> Goroutines, IReadOnlyList<HeapGrowth> Heap,
    GoroutineLeakProfile LeakProfile)
{
    public bool AnyGrowth => Goroutines.Count + Heap.Count > 0;
}

/// <summary>
/// Takes <c>count</c> snapshots of a Go program's goroutines and heap over <c>window</c> seconds (evenly apart) and
/// keeps what grew between every two: the same job for <c>explain</c> and, later, an explanation taken on a leak.
/// </summary>
public static class GoExplainer
{
    /// <exception cref="PprofException">The endpoint failed at one of the snapshots.</exception>
    public static async Task<GoExplanation> RunAsync(PprofEndpoint endpoint, int? pid, double window, int count, int top, Action<string> progress, CancellationToken cancel)
    {
        List<(double T, IReadOnlyList<GoroutineStack> Stacks)> dumps = [];
        List<(double T, IReadOnlyList<HeapSite> Sites)> heaps = [];
        Stopwatch clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                TimeSpan next = TimeSpan.FromSeconds(window * i / (count - 1)) - clock.Elapsed;
                await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero, cancel);
            }

            IReadOnlyList<GoroutineStack> stacks = await endpoint.GoroutineCountsAsync(cancel);
            dumps.Add((clock.Elapsed.TotalSeconds, stacks));
            IReadOnlyList<HeapSite> heap = await endpoint.HeapAsync(cancel);
            heaps.Add((clock.Elapsed.TotalSeconds, heap));
            progress($"snapshot {i + 1} of {count}: {stacks.Sum(s => s.Count):N0} goroutines in {stacks.Count:N0} stacks, "
                + $"{Core.Units.Quantity.FormatBytes(heap.Sum(h => h.InuseBytes))} in use from {heap.Count:N0} allocation stacks");
        }

        // Counted cheaply at every snapshot; the full dump, for state and creator, read once and only when a stack grew.
        (IReadOnlyList<GoroutineGrowth> growing, string? missing) =
            await GoroutineGrowthDiff.WithDetailsAsync([.. GoroutineGrowthDiff.Growing(dumps).Take(top)], endpoint, cancel);
        if (missing is not null)
        {
            progress(missing);
        }

        // Read once, after the last dump: the runtime's proof of what the dumps' growth suggests, where the program has it.
        GoroutineLeakProfile leaks = await endpoint.LeakedGoroutinesAsync(cancel);
        progress(leaks.Summary);
        return new GoExplanation(pid, endpoint.BaseUrl, dumps, heaps, growing, [.. HeapGrowthDiff.Growing(heaps).Take(top)], leaks);
    }
}
