namespace LeakHound.Hosting.Tests;

/// <summary>Runs alone: it measures the process heap, which tests running beside it would grow.</summary>
[CollectionDefinition(nameof(HeapMeasurement), DisableParallelization = true)]
public sealed class HeapMeasurement;

/// <summary>The monitor must not leak itself, however long the service runs.</summary>
[Collection(nameof(HeapMeasurement))]
public sealed class BoundedMemoryTests
{
    [Fact]
    public void AMillionSamples_KeepTheMonitorsHeapFlat()
    {
        LeakMonitor monitor = Feeding.Monitor();
        List<KeyValuePair<string, double>> readings = [new("rss", 0), new("threads", 20), new("fds", 40)];
        double Retained()
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        void Run(int from, int to)
        {
            for (int i = from; i < to; i++)
            {
                readings[0] = new("rss", 200e6 + (i % 97) * 1e5);
                monitor.Record(i, readings);
            }
        }

        Run(0, 100_000);
        double after100K = Retained();
        Run(100_000, 1_000_000);
        double after1M = Retained();

        Assert.Equal(1_000_000, monitor.SampleCount);
        Assert.True(after1M - after100K < 512 * 1024, $"heap grew {after1M - after100K:N0} bytes over 900,000 samples");
    }
}
