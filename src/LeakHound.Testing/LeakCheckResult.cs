using System.Text;

namespace LeakHound.Testing;

/// <summary>The outcome of <see cref="LeakCheck.RunAsync(int, int, Func{Task}, LeakCheckOptions?)"/>.</summary>
public sealed record LeakCheckResult(int Iterations, int Warmup, IReadOnlyList<SignalGrowth> Signals)
{
    public bool Leaks => Signals.Any(s => s.Leaks);

    /// <summary>
    /// Bytes the process's other threads allocated during the run; null when the action moved between threads, so
    /// that its own allocations could not be told apart. Nothing another thread allocated can grow the heap by more.
    /// </summary>
    public double? OtherThreadsAllocatedBytes { get; init; }

    /// <summary>
    /// True when the leak is mostly the action's: the heap grew by more than twice what other threads allocated
    /// meanwhile, so at least half of the growth cannot be theirs. Threads, descriptors, timers and tracked instances
    /// are counted, not allocated, and are taken as they are.
    /// </summary>
    public bool GrowthBeyondOtherThreads => Signals.Where(s => s.Leaks && s.Unit == "bytes")
        .All(s => OtherThreadsAllocatedBytes is { } other && s.Last - s.First > 2 * other);

    /// <summary>Runs made before this one whose growth other threads could have caused, so the iterations were measured again.</summary>
    public IReadOnlyList<LeakCheckResult> EarlierRuns { get; init; } = [];

    /// <summary>How many times the iterations were measured.</summary>
    public int Runs => EarlierRuns.Count + 1;

    /// <summary>Throws <see cref="LeakDetectedException"/> (failing the test) when any signal leaks.</summary>
    public LeakCheckResult AssertNoLeak()
    {
        if (Leaks)
        {
            throw new LeakDetectedException(Describe());
        }

        return this;
    }

    /// <summary>A message a developer can act on: what grows, by how much per iteration, with what confidence.</summary>
    public string Describe()
    {
        StringBuilder text = new();
        text.AppendLine(Leaks
            ? $"Leak: {string.Join(", ", Signals.Where(s => s.Leaks).Select(s => s.Signal))} grew with every iteration ({Iterations} iterations after {Warmup} warm-up)."
            : $"No leak in {Iterations} iterations after {Warmup} warm-up.");
        foreach (SignalGrowth s in Signals.OrderByDescending(s => s.Leaks))
        {
            text.AppendLine("  " + s);
        }

        for (int i = 0; i < EarlierRuns.Count; i++)
        {
            LeakCheckResult run = EarlierRuns[i];
            text.AppendLine($"  run {i + 1} of {Runs}: {string.Join(", ", run.Signals.Where(s => s.Leaks).Select(s => s.Signal))} grew while {run.OtherThreads()}, so it was measured again");
        }

        if (Leaks && !GrowthBeyondOtherThreads)
        {
            text.AppendLine($"  The growth repeated in every run, but {OtherThreads()}: if other work runs in this process (parallel tests, hosted services), check that it is not theirs.");
        }
        else if (Leaks && OtherThreadsAllocatedBytes is not null)
        {
            text.AppendLine($"  ({OtherThreads()} during the run: less than half the growth)");
        }

        return text.ToString();
    }

    private string OtherThreads() => OtherThreadsAllocatedBytes is { } bytes
        ? $"other threads allocated {bytes / 1024:0.#} KiB"
        : "the action moved between threads (its allocations cannot be told from other threads')";
}

/// <summary>A leak check failed; the message lists the growing signals and their rates per iteration.</summary>
public sealed class LeakDetectedException(string message) : Exception(message);
