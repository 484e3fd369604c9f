using LeakHound.Probes.Proc;

namespace LeakHound.Testing;

/// <summary>The signals a leak check reads from its own process after a full GC.</summary>
internal static class SelfSignals
{
    /// <summary>Forces a blocking, compacting collection of every generation and runs pending finalizers, twice,
    /// so that what remains is what is really referenced.</summary>
    public static void FullCollect()
    {
        for (int i = 0; i < 2; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }
    }

    public static (double Heap, double Threads, double Fds, double Timers) Read(ProcessTreeSampler self)
    {
        FullCollect();
        double heap = GC.GetTotalMemory(forceFullCollection: false);
        ProcessSample sample = self.Sample(readPss: false).Processes[0];
        return (heap, sample.Threads, sample.OpenFds ?? double.NaN, Timer.ActiveCount);
    }
}
