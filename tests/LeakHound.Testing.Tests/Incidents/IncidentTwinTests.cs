namespace LeakHound.Testing.Tests.Incidents;

/// <summary>Every leaky twin of the incidents fails LeakCheck; every fixed twin passes.</summary>
public sealed class IncidentTwinTests
{
    private const int Iterations = 200;
    private const int Warmup = 50;

    // The runtime frees an exited thread's managed state lazily, after some 66 threads have died: the warm-up and the
    // run must span that, or the fixed publisher's finished threads read as heap growth.
    private const int ThreadIterations = 200;
    private const int ThreadWarmup = 70;

    private static async Task AssertLeaks(Action action, string signal)
    {
        LeakCheckResult r = await LeakCheck.MeasureAsync(Iterations, Warmup, action);
        Assert.True(r.Leaks, r.Describe());
        LeakDetectedException e = Assert.Throws<LeakDetectedException>(() => r.AssertNoLeak());
        Assert.Contains(signal, e.Message);
        Assert.Contains("/iteration", e.Message);
    }

    [Fact]
    public async Task WavBroadcaster_Leaky_FailsOnManagedHeap()
    {
        WavBroadcaster b = new(fixedVersion: false);
        await AssertLeaks(() => b.OnChunk(new byte[4096]), "managed heap");
    }

    [Fact]
    public async Task WavBroadcaster_Fixed_Passes()
    {
        WavBroadcaster b = new(fixedVersion: true);
        LeakCheckResult r = await LeakCheck.RunAsync(Iterations, Warmup, () => b.OnChunk(new byte[4096]));
        Assert.False(r.Leaks, r.Describe());
    }

    [Fact]
    public async Task MediaRoute_Leaky_FailsOnFileDescriptors()
    {
        string file = Path.GetTempFileName();
        File.WriteAllBytes(file, new byte[4096]);
        try
        {
            MediaRoute route = new(file, fixedVersion: false);
            await AssertLeaks(route.ServeAbortedRequest, "open file descriptors: 1 FDs/iteration");
        }
        finally
        {
            MediaRoute.CloseAll();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task MediaRoute_Fixed_Passes()
    {
        string file = Path.GetTempFileName();
        File.WriteAllBytes(file, new byte[4096]);
        try
        {
            // Descriptors are the subject of this incident (file streams never destroyed).
            MediaRoute route = new(file, fixedVersion: true);
            LeakCheckResult r = await LeakCheck.MeasureAsync(Iterations, Warmup, route.ServeAbortedRequest);
            Assert.False(r.Signals.Single(s => s.Signal == "open file descriptors").Leaks, r.Describe());
        }
        finally
        {
            MediaRoute.CloseAll();
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Publisher_Leaky_FailsOnThreads_OnePerReconnect()
    {
        Publisher p = new(fixedVersion: false);
        try
        {
            LeakCheckResult r = await LeakCheck.MeasureAsync(ThreadIterations, ThreadWarmup, p.Reconnect);
            SignalGrowth threads = r.Signals.Single(s => s.Signal == "threads");
            Assert.True(threads.Leaks, r.Describe());
            Assert.InRange(threads.PerIteration, 0.9, 1.1); // "≈1 handler per reconnect"
            Assert.Throws<LeakDetectedException>(() => r.AssertNoLeak());
        }
        finally
        {
            Publisher.StopAll(p);
        }
    }

    [Fact]
    public async Task Publisher_Fixed_Passes()
    {
        // Threads and descriptors are the subject: every reconnect starts and ends a thread, and the runtime frees an
        // ended thread's managed state lazily, which shows in the heap as a sawtooth of its own.
        using Publisher p = new(fixedVersion: true);
        LeakCheckResult r = await LeakCheck.MeasureAsync(ThreadIterations, ThreadWarmup, p.Reconnect);
        Assert.False(r.Signals.Single(s => s.Signal == "threads").Leaks, r.Describe());
        Assert.False(r.Signals.Single(s => s.Signal == "open file descriptors").Leaks, r.Describe());
    }

    [Fact]
    public async Task JobCache_Leaky_FailsOnManagedHeap()
    {
        ManualClock clock = new();
        JobCache cache = new(fixedVersion: false, clock);
        await AssertLeaks(() => { cache.Complete(); clock.Advance(TimeSpan.FromSeconds(30)); }, "managed heap");
    }

    [Fact]
    public async Task JobCache_Fixed_Passes()
    {
        ManualClock clock = new();
        JobCache cache = new(fixedVersion: true, clock);
        LeakCheckResult r = await LeakCheck.RunAsync(Iterations, Warmup, () => { cache.Complete(); clock.Advance(TimeSpan.FromSeconds(30)); });
        Assert.False(r.Leaks, r.Describe());
    }

    [Fact]
    public async Task ContactCache_Unbounded_FailsOnManagedHeap()
    {
        ManualClock clock = new();
        ContactCache cache = new(fixedVersion: false, clock);
        await AssertLeaks(() => { for (int i = 0; i < 20; i++) { cache.Lookup(); } clock.Advance(TimeSpan.FromSeconds(10)); }, "managed heap");
    }

    [Fact]
    public async Task ContactCache_LruWithTtl_Passes()
    {
        ManualClock clock = new();
        ContactCache cache = new(fixedVersion: true, clock);
        LeakCheckResult r = await LeakCheck.RunAsync(Iterations, Warmup, () => { for (int i = 0; i < 20; i++) { cache.Lookup(); } clock.Advance(TimeSpan.FromSeconds(10)); });
        Assert.False(r.Leaks, r.Describe());
    }
}
