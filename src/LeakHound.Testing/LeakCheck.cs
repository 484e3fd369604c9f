using LeakHound.Core.Statistics;
using LeakHound.Probes.Heap;
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
/// a minimum effect (less than one object, or one thread per 100 iterations). A fixed twin passes because its signals
/// do not rise steadily; a leaky one fails because each iteration leaves something behind.
/// </remarks>
public static class LeakCheck
{
    /// <summary>Runs the check and fails (throws <see cref="LeakDetectedException"/>) on a leak.</summary>
    public static async Task<LeakCheckResult> RunAsync(int iterations, int warmup, Func<Task> action, LeakCheckOptions? options = null) =>
        (await MeasureAsync(iterations, warmup, action, options)).AssertNoLeak();

    /// <inheritdoc cref="RunAsync(int, int, Func{Task}, LeakCheckOptions?)"/>
    public static Task<LeakCheckResult> RunAsync(int iterations, int warmup, Action action, LeakCheckOptions? options = null) =>
        RunAsync(iterations, warmup, () => { action(); return Task.CompletedTask; }, options);

    /// <summary>Runs the check and returns the measured growth without failing.</summary>
    public static async Task<LeakCheckResult> MeasureAsync(int iterations, int warmup, Func<Task> action, LeakCheckOptions? options = null)
    {
        options ??= new LeakCheckOptions();
        if (iterations < 10 || warmup < 0 || options.MeasureEvery < 1 || iterations / options.MeasureEvery < 8)
        {
            throw new ArgumentException("need at least 10 iterations and 8 measurements (iterations / MeasureEvery)");
        }

        for (int i = 0; i < warmup; i++)
        {
            await action();
        }

        using ProcessTreeSampler self = new([Environment.ProcessId], includeChildren: false);
        Dictionary<string, TypeStats>? before = options.TrackedTypes.Count > 0 ? TypeCounts() : null;
        // Preallocated: the check's own bookkeeping must not show up as heap growth per iteration.
        int measurements = iterations / options.MeasureEvery + 1;
        double[] x = new double[measurements];
        double[][] y = [new double[measurements], new double[measurements], new double[measurements], new double[measurements]];
        int taken = 0;
        Record(0);
        for (int i = 1; i <= iterations; i++)
        {
            await action();
            if (i % options.MeasureEvery == 0)
            {
                Record(i);
            }
        }

        List<SignalGrowth> signals =
        [
            Growth("managed heap after full GC", "bytes", x, y[0], options.MinBytesPerIteration, options),
            Growth("threads", "threads", x, y[1], options.MinCountPerIteration, options),
            Growth("open file descriptors", "FDs", x, y[2], options.MinCountPerIteration, options),
            Growth("live timers", "timers", x, y[3], options.MinCountPerIteration, options),
        ];
        if (before is not null)
        {
            Dictionary<string, TypeStats> after = TypeCounts();
            foreach (Type type in options.TrackedTypes)
            {
                string name = type.FullName!.Replace('+', '+');
                double first = before.GetValueOrDefault(name).Count;
                double last = after.GetValueOrDefault(name).Count;
                double perIteration = (last - first) / iterations;
                // Two snapshots give no interval: instances are counted exactly, so any growth of half an instance
                // per iteration or more is a leak.
                signals.Add(new SignalGrowth($"live {type.Name} instances", "instances", perIteration, perIteration, perIteration, 1, perIteration >= 0.5, first, last));
            }
        }

        return new LeakCheckResult(iterations, warmup, signals);

        void Record(int iteration)
        {
            (double heap, double threads, double fds, double timers) = SelfSignals.Read(self);
            x[taken] = iteration;
            y[0][taken] = heap;
            y[1][taken] = threads;
            y[2][taken] = fds;
            y[3][taken] = timers;
            taken++;
        }
    }

    /// <summary>Starts watching an object that must be collected once the code under test is done with it.</summary>
    public static ObjectTracker Track(object target, string? description = null) => new(target, description);

    private static SignalGrowth Growth(string signal, string unit, double[] x, double[] y, double minimum, LeakCheckOptions options)
    {
        if (y.Any(double.IsNaN))
        {
            return new SignalGrowth(signal, unit, 0, 0, 0, 0, false, double.NaN, double.NaN);
        }

        TrendEstimate t = TrendTest.Compute(x, y, correctSerialCorrelation: false);
        bool leaks = t.PRising < options.Alpha && t.SlopeLow > minimum;
        return new SignalGrowth(signal, unit, t.Slope, t.SlopeLow, t.SlopeHigh, 1 - t.PRising, leaks, y[0], y[^1]);
    }

    /// <summary>Live instances per type, from a heap snapshot of this very process.</summary>
    private static Dictionary<string, TypeStats> TypeCounts()
    {
        SelfSignals.FullCollect();
        using HeapSnapshot snapshot = HeapSnapshot.Take(Environment.ProcessId, Path.GetTempPath());
        return snapshot.Histogram();
    }
}
