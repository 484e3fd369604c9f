namespace LeakHound.Probes.DotNet.Heap;

/// <summary>What a heap diff found, and what the snapshots cost the target.</summary>
public sealed record HeapDiffResult(IReadOnlyList<TypeGrowth> Growing, IReadOnlyList<SnapshotCost> Snapshots);

/// <summary>One snapshot: how long the target was paused, the dump size, the live objects seen.</summary>
public sealed record SnapshotCost(double PauseSeconds, long DumpBytes, long Objects, long HeapBytes, double ReadSeconds);

/// <summary>
/// Takes the snapshots, diffs their histograms and finds retention paths for the top growing types. A snapshot that
/// cannot be taken (not a .NET process, no diagnostics socket, no room for the dump) throws <see cref="HeapSnapshotException"/>.
/// </summary>
public static class HeapDiffRunner
{
    public static async Task<HeapDiffResult> RunAsync(int pid, double intervalSeconds, int count, int top, string dumpDir, Action<string> progress, CancellationToken cancel)
    {
        List<Dictionary<string, TypeStats>> histograms = [];
        List<SnapshotCost> costs = [];
        HeapSnapshot? last = null;
        List<ulong> firstAddresses = [];
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (i > 0)
                {
                    progress($"waiting {intervalSeconds:0.#}s before snapshot {i + 1} of {count}");
                    await Task.Delay(TimeSpan.FromSeconds(intervalSeconds), cancel);
                }

                last?.Dispose();
                last = HeapSnapshot.Take(pid, dumpDir);
                System.Diagnostics.Stopwatch read = System.Diagnostics.Stopwatch.StartNew();
                Dictionary<string, TypeStats> histogram = last.Histogram(i == 0 ? firstAddresses : null);
                histograms.Add(histogram);
                costs.Add(new SnapshotCost(last.Pause.TotalSeconds, last.DumpBytes, histogram.Values.Sum(s => s.Count), histogram.Values.Sum(s => s.Bytes), read.Elapsed.TotalSeconds));
                progress($"snapshot {i + 1}: {costs[^1].Objects:N0} objects, target paused {last.Pause.TotalSeconds:0.00}s");
            }

            List<TypeGrowth> growing = HeapDiff.Compute(histograms).Take(top).ToList();
            // The example instance of a grown type is one that is new since the first snapshot: an old one (a buffer the
            // process has held from the start) says nothing about what grows.
            Dictionary<string, IReadOnlyList<string>> paths = RetentionPaths.Find(last!.Runtime, growing.Select(g => g.Type).ToList(),
                address => firstAddresses.BinarySearch(address) < 0);
            return new HeapDiffResult(growing.Select(g => g with { RetentionPath = paths.GetValueOrDefault(g.Type) }).ToList(), costs);
        }
        finally
        {
            last?.Dispose();
        }
    }
}
