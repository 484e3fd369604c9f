namespace LeakHound.Testing.Tests;

/// <summary>
/// A leak check measures its whole process, which it shares with whatever else runs there: growth that a test runner
/// makes while it starts up must not fail a check, and must not hide a leak either.
/// </summary>
public sealed class BackgroundGrowthTests
{
    private static readonly List<byte[]> s_retained = [];

    [Fact]
    public async Task GrowthByAnotherThreadDuringTheFirstRun_IsMeasuredAgain_AndIsNotALeak()
    {
        // Growth that ends with the first run's iterations, like a test runner's start-up work (seen in CI: +90 KB of
        // heap, steady over the 2 s of the first check in a process).
        int done = 0;
        using BackgroundGrowth growth = BackgroundGrowth.Start(() => Volatile.Read(ref done) < 110);
        LeakCheckResult r = await LeakCheck.MeasureAsync(100, 10, () => Interlocked.Increment(ref done));

        Assert.False(r.Leaks, r.Describe());
        LeakCheckResult first = r.EarlierRuns[0];
        Assert.True(first.Signals.Single(s => s.Signal == "managed heap after full GC").Leaks, r.Describe());
        Assert.True(first.OtherThreadsAllocatedBytes > 50_000, r.Describe());
        Assert.False(first.GrowthBeyondOtherThreads);
        Assert.Contains("measured again", r.Describe());
    }

    [Fact]
    public async Task GrowthByAnotherThread_WithASingleRun_IsCalledALeak()
    {
        // The same situation without a second run: what measuring again is there for.
        int done = 0;
        using BackgroundGrowth growth = BackgroundGrowth.Start(() => Volatile.Read(ref done) < 110);
        LeakCheckResult r = await LeakCheck.MeasureAsync(100, 10, () => Interlocked.Increment(ref done),
            new LeakCheckOptions { MaxRuns = 1 });

        Assert.Equal(1, r.Runs);
        Assert.True(r.Signals.Single(s => s.Signal == "managed heap after full GC").Leaks, r.Describe());
    }

    [Fact]
    public async Task LeakLargerThanOtherThreadsAllocate_IsALeakAtTheFirstRun()
    {
        List<byte[]> leaked = [];
        using BackgroundGrowth growth = BackgroundGrowth.Start();
        LeakCheckResult r = await LeakCheck.MeasureAsync(100, 10, () => leaked.Add(new byte[64 * 1024]));

        Assert.True(r.Leaks, r.Describe());
        Assert.True(r.GrowthBeyondOtherThreads, r.Describe());
        Assert.Equal(1, r.Runs);
        Assert.InRange(r.OtherThreadsAllocatedBytes ?? -1, 1024, 100 * 64 * 1024);
        GC.KeepAlive(leaked);
    }

    [Fact]
    public async Task LeakOfAnActionThatMovesBetweenThreads_IsALeakInEveryRun()
    {
        // Its allocations land on several threads, so other threads cannot be ruled out: measured three times.
        List<byte[]> leaked = [];
        LeakCheckResult r = await LeakCheck.MeasureAsync(50, 5, async () =>
        {
            // Resumes on a thread of its own: the one that completes the task, a few milliseconds after the await.
            TaskCompletionSource completed = new();
            new Thread(() => { Thread.Sleep(5); completed.SetResult(); }).Start();
            await completed.Task.ConfigureAwait(false);
            lock (leaked)
            {
                leaked.Add(new byte[16 * 1024]);
            }
        });

        Assert.True(r.Leaks, r.Describe());
        Assert.Null(r.OtherThreadsAllocatedBytes);
        Assert.Equal(3, r.Runs);
        Assert.Contains("moved between threads", r.Describe());
        GC.KeepAlive(leaked);
    }

    /// <summary>A thread that keeps 1 KiB every 2 ms while asked to, until disposed (at most 20,000 arrays, 30 s).</summary>
    private sealed class BackgroundGrowth : IDisposable
    {
        private readonly CancellationTokenSource _stop = new(TimeSpan.FromSeconds(30));
        private readonly Thread _thread;

        private BackgroundGrowth(Func<bool> keepGoing)
        {
            _thread = new Thread(() =>
            {
                for (int i = 0; i < 20_000 && !_stop.IsCancellationRequested && keepGoing(); i++)
                {
                    lock (s_retained)
                    {
                        s_retained.Add(new byte[1024]);
                    }

                    Thread.Sleep(2);
                }
            }) { IsBackground = true, Name = "background growth" };
        }

        public static BackgroundGrowth Start(Func<bool>? keepGoing = null)
        {
            BackgroundGrowth growth = new(keepGoing ?? (() => true));
            growth._thread.Start();
            return growth;
        }

        public void Dispose()
        {
            _stop.Cancel();
            _thread.Join();
            _stop.Dispose();
            lock (s_retained)
            {
                s_retained.Clear();
            }
        }
    }
}
