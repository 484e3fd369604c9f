namespace LeakHound.Testing;

/// <summary>What a leak check measures and how much growth per iteration it tolerates.</summary>
public sealed record LeakCheckOptions
{
    /// <summary>Measure after every this many iterations (each measurement forces a full, compacting GC).</summary>
    public int MeasureEvery { get; init; } = 1;

    /// <summary>Managed bytes per iteration below which growth is ignored: less than the smallest object.</summary>
    public double MinBytesPerIteration { get; init; } = 8;

    /// <summary>Threads, descriptors or timers per iteration below which growth is ignored (one per 100 iterations).</summary>
    public double MinCountPerIteration { get; init; } = 0.01;

    /// <summary>One-sided significance of the growth test; a failing build should be a real leak.</summary>
    public double Alpha { get; init; } = 0.001;

    /// <summary>
    /// Runs at most, when a run's heap growth is not more than twice what other threads of the process allocated meanwhile (or
    /// the action moved between threads): then the growth may be theirs, and the iterations are measured again. A leak
    /// repeats; a test runner's start-up work does not (seen: +90 KB of heap, steady over the 2 s of the first check in
    /// a process). Costs time only when a check is about to fail. 1: never run again.
    /// </summary>
    public int MaxRuns { get; init; } = 3;

    /// <summary>Types whose live instances must not grow; counted from two heap snapshots (after warm-up and at the end).</summary>
    public IReadOnlyList<Type> TrackedTypes { get; init; } = [];

    public LeakCheckOptions Tracking<T>() => this with { TrackedTypes = [.. TrackedTypes, typeof(T)] };
}
