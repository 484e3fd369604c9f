namespace LeakHound.Bench.Twins;

/// <summary>
/// The checks the incident teams wrote by hand, reproduced to compare against: the Go team's "count before, five
/// reconnects, count after" test, and the Node teams' fixed "HIGH MEMORY" threshold.
/// </summary>
internal static class HandWrittenChecks
{
    /// <summary>Reads the subject signal the way a hand-written test would (after a full GC, for the heap).</summary>
    public static double Read(string signal)
    {
        switch (signal)
        {
            case "threads":
                return double.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))[8..].Trim());
            case "open file descriptors":
                return Directory.GetFiles("/proc/self/fd").Length;
            default:
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                return GC.GetTotalMemory(forceFullCollection: true);
        }
    }

    /// <summary>The reconnect incident's test: alarm when the count after five iterations exceeds the count before.</summary>
    public static bool BeforeAfter(TwinCase twin, TwinInstance instance, int iterations = 5)
    {
        double before = Read(twin.Signal);
        for (int i = 0; i < iterations; i++)
        {
            instance.Iteration();
        }

        // Give finished threads a moment to end, as the hand-written test's sleep did.
        Thread.Sleep(twin.Signal == "threads" ? 100 : 0);
        return Read(twin.Signal) > before;
    }

    /// <summary>The Node teams' monitor alarms at 1.5 GB of heap; iterations needed at a given growth per iteration.</summary>
    public const double ThresholdBytes = 1.5e9;
}
