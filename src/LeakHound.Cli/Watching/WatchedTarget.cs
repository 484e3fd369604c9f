using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Watching;

/// <summary>One target of a watch: a process tree, its series and, for <c>run</c>, the process we launched.</summary>
public sealed class WatchedTarget(string label, ProcessTreeSampler sampler, SignalBook book, LaunchedProcess? launched) : IDisposable
{
    public string Label { get; } = label;

    public ProcessTreeSampler Sampler { get; } = sampler;

    public SignalBook Book { get; } = book;

    public LaunchedProcess? Launched { get; } = launched;

    public bool Exited { get; set; }

    public double? ExitedAtSeconds { get; set; }

    public int MaxProcesses { get; set; }

    public LeakHound.Probes.Cgroups.MemoryLimit? MemoryLimitSource { get; init; }

    /// <summary>Runtime metrics endpoints whose series belong to this target.</summary>
    public List<LeakHound.Probes.Prometheus.MetricsScraper> Scrapers { get; } = [];

    /// <summary>The process whose runtime counters are read (the launched process or the given PID).</summary>
    public int RootPid { get; init; }

    /// <summary>EventPipe counters when the root is a .NET process; null until attached (or if it is not .NET).</summary>
    public LeakHound.Probes.EventPipe.RuntimeCounterSession? Runtime { get; set; }

    public int RuntimeAttempts { get; set; }

    /// <summary>Full collections of a .NET target seen so far: the evidence its managed-heap series need for a leak.</summary>
    public LeakHound.Core.Signals.FullCollections FullCollections { get; init; } = new();

    /// <summary>The runtime's count of full collections when the last one was recorded.</summary>
    public long FullCollectionsRecorded { get; set; }

    /// <summary>The automatic heap diff (--heapdiff-on-leak), started when the managed heap first turned leak.</summary>
    public Task<Commands.HeapDiffResult>? HeapDiff { get; set; }

    public double? HeapDiffStartedAt { get; set; }

    public double RuntimeLastAttempt { get; set; } = double.NegativeInfinity;

    public void Dispose()
    {
        Sampler.Dispose();
        Launched?.Dispose();
        Scrapers.ForEach(s => s.Dispose());
        Runtime?.Dispose();
    }
}
