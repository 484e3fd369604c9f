using LeakHound.Core.Detection;
using LeakHound.Probes.DotNet.Heap;
using LeakHound.Probes.Proc;

namespace LeakHound.Testing;

/// <summary>
/// Leak checks for .NET code: run an action many times and fail when something grows with every iteration —
/// managed heap after a full GC, threads, open file descriptors, live timers, or the live instances of given types.
/// </summary>
/// <remarks>
/// No fixed thresholds on absolute values: after a warm-up (JIT, caches, pools), the signal is measured after a forced
/// full, compacting GC every <see cref="LeakCheckOptions.MeasureEvery"/> iterations, and its growth per iteration is
/// the Theil–Sen slope over the iteration number with Sen's 95% interval. A signal leaks when the Mann–Kendall test says
/// it rises at <see cref="LeakCheckOptions.Alpha"/> and the whole interval lies above
/// a minimum effect (less than one object, or one thread per 100 iterations), and each half of the run rises on its
/// own. A fixed twin passes because its signals do not rise steadily; a leaky one fails because each iteration leaves
/// something behind. The check measures its whole process: when other threads allocated half as much as the heap grew
/// or more (a test runner's start-up work, a parallel test), the growth may be theirs and the iterations are measured
/// again, up to <see cref="LeakCheckOptions.MaxRuns"/> runs; a leak repeats, their burst does not.
/// </remarks>
public static class LeakCheck
{
    /// <summary>Runs the check and fails (throws <see cref="LeakDetectedException"/>) on a leak.</summary>
    public static async Task<LeakCheckResult> RunAsync(int iterations, int warmup, Func<Task> action, LeakCheckOptions? options = null) =>
        (await MeasureAsync(iterations, warmup, action, options)).AssertNoLeak();

    /// <inheritdoc cref="RunAsync(int, int, Func{Task}, LeakCheckOptions?)"/>
    public static Task<LeakCheckResult> RunAsync(int iterations, int warmup, Action action, LeakCheckOptions? options = null) =>
        RunAsync(iterations, warmup, Synchronous(action), options);

    /// <inheritdoc cref="MeasureAsync(int, int, Func{Task}, LeakCheckOptions?)"/>
    public static Task<LeakCheckResult> MeasureAsync(int iterations, int warmup, Action action, LeakCheckOptions? options = null) =>
        MeasureAsync(iterations, warmup, Synchronous(action), options);

    /// <summary>Runs the check and returns the measured growth without failing.</summary>
    public static async Task<LeakCheckResult> MeasureAsync(int iterations, int warmup, Func<Task> action, LeakCheckOptions? options = null)
    {
        options ??= new LeakCheckOptions();
        if (iterations < 10 || warmup < 0 || options.MeasureEvery < 1 || iterations / options.MeasureEvery < 8)
        {
            throw new ArgumentException("need at least 10 iterations and 8 measurements (iterations / MeasureEvery)");
        }

        if (options.MaxRuns < 1)
        {
            throw new ArgumentException("MaxRuns must be at least 1");
        }

        for (int i = 0; i < warmup; i++)
        {
            await action();
        }

        List<LeakCheckResult> earlier = [];
        while (true)
        {
            LeakCheckResult run = await MeasureOnceAsync(iterations, warmup, action, options) with { EarlierRuns = [.. earlier] };
            if (!run.Leaks || run.GrowthBeyondOtherThreads || earlier.Count + 1 >= options.MaxRuns)
            {
                return run;
            }

            // Other threads allocated half as much as the heap grew or more (a test runner's start-up work, a parallel
            // test), or the action moved between threads and they cannot be told apart: run again. A leak repeats;
            // their burst does not.
            earlier.Add(run);
        }
    }

    private static Func<Task> Synchronous(Action action) => () =>
    {
        action();
        return Task.CompletedTask;
    };

    private static async Task<LeakCheckResult> MeasureOnceAsync(int iterations, int warmup, Func<Task> action, LeakCheckOptions options)
    {
        using ProcessTreeSampler self = new([Environment.ProcessId], includeChildren: false);
        Dictionary<string, TypeStats>? before = options.TrackedTypes.Count > 0 ? TypeCounts() : null;
        Measurements run = new(iterations / options.MeasureEvery + 1);
        OtherThreadsAllocation others = OtherThreadsAllocation.Start();
        run.Record(0, self);
        for (int i = 1; i <= iterations; i++)
        {
            await action();
            others.StillOnTheSameThread();
            if (i % options.MeasureEvery == 0)
            {
                run.Record(i, self);
            }
        }

        double? otherThreadsAllocated = others.Bytes();

        List<SignalGrowth> signals =
        [
            Growth("managed heap after full GC", "bytes", run, 0, options.MinBytesPerIteration, options),
            Growth("threads", "threads", run, 1, options.MinCountPerIteration, options),
            Growth("open file descriptors", "FDs", run, 2, options.MinCountPerIteration, options),
            Growth("live timers", "timers", run, 3, options.MinCountPerIteration, options),
        ];
        if (before is not null)
        {
            Dictionary<string, TypeStats> after = TypeCounts();
            foreach (Type type in options.TrackedTypes)
            {
                string name = type.FullName!;
                double first = before.GetValueOrDefault(name).Count;
                double last = after.GetValueOrDefault(name).Count;
                double perIteration = (last - first) / iterations;
                // Two snapshots give no interval: instances are counted exactly, so any growth of half an instance
                // per iteration or more is a leak.
                signals.Add(new SignalGrowth($"live {type.Name} instances", "instances", perIteration, perIteration, perIteration, 1, perIteration >= 0.5, first, last));
            }
        }

        return new LeakCheckResult(iterations, warmup, signals) { OtherThreadsAllocatedBytes = otherThreadsAllocated };
    }

    /// <summary>Starts watching an object that must be collected once the code under test is done with it.</summary>
    public static ObjectTracker Track(object target, string? description = null) => new(target, description);

    private static SignalGrowth Growth(string signal, string unit, Measurements run, int index, double minimum, LeakCheckOptions options) =>
        IterationGrowth.Of(run.Iterations, run.Values(index), minimum, options.Alpha, exact: true) is { } g
            ? new SignalGrowth(signal, unit, g.PerIteration, g.Low, g.High, g.Confidence, g.Leaks, g.First, g.Last)
            : new SignalGrowth(signal, unit, 0, 0, 0, 0, false, double.NaN, double.NaN);

    /// <summary>Live instances per type, from a heap snapshot of this very process.</summary>
    private static Dictionary<string, TypeStats> TypeCounts()
    {
        SelfSignals.FullCollect();
        using HeapSnapshot snapshot = HeapSnapshot.Take(Environment.ProcessId, Path.GetTempPath());
        return snapshot.Histogram();
    }
}
