using LeakHound.Core.Detection;

namespace LeakHound.Cli.Watching;

/// <summary>Everything a watch needs, read once from the command line and validated.</summary>
public sealed record WatchSettings
{
    public double IntervalSeconds { get; init; } = 1;

    /// <summary>Stop after this many seconds; null runs until the targets exit or Ctrl-C.</summary>
    public double? DurationSeconds { get; init; }

    public bool UntilVerdict { get; init; }

    /// <summary>User-given memory limit in bytes; null means the cgroup's or the machine's.</summary>
    public double? LimitBytes { get; init; }

    public string? OutPath { get; init; }

    /// <summary>HTML report written at the end (from the trace: <see cref="OutPath"/>, or a temporary one).</summary>
    public string? ReportPath { get; init; }

    /// <summary>One PNG chart per signal written here at the end (--png).</summary>
    public string? PngDirectory { get; init; }

    /// <summary>Where the live dashboard listens (--serve); null for none.</summary>
    public System.Net.IPEndPoint? ServeEndpoint { get; init; }

    /// <summary>SQLite watch history (--store); null for none.</summary>
    public string? StorePath { get; init; }

    /// <summary>The store is the default one (no --store given): a store that cannot be opened is a warning, not an error.</summary>
    public bool StoreIsDefault { get; init; }

    /// <summary>Continue an unfinished stored watch (--resume [ID]).</summary>
    public bool Resume { get; init; }

    public long? ResumeId { get; init; }

    /// <summary>Stored watches that ended longer ago are deleted when the store is opened.</summary>
    public double? RetentionSeconds { get; init; }

    /// <summary>Trigger → action rules (--rules); null for none.</summary>
    public IReadOnlyList<LeakHound.Core.Rules.Rule>? Rules { get; init; }

    /// <summary>The token every dashboard request must carry; required off loopback.</summary>
    public string? Token { get; init; }

    public bool Json { get; init; }

    public string? TargetLogPath { get; init; }

    public bool IncludeChildren { get; init; } = true;

    /// <summary>Also judge each process of a tree on its own (on by default when a tree has several processes).</summary>
    public bool PerProcess { get; init; } = true;

    /// <summary>Read PSS (smaps_rollup, costly on big processes) every this many seconds.</summary>
    public double PssEverySeconds { get; init; } = 10;

    public DetectorOptions Detector { get; init; } = DetectorOptions.Default;

    /// <summary>Prometheus/OpenMetrics endpoints scraped every interval; their series join the (first) target.</summary>
    public IReadOnlyList<Uri> MetricsUrls { get; init; } = [];

    /// <summary>Take a heap diff automatically when a .NET target's managed heap turns <c>leak</c>.</summary>
    public bool HeapDiffOnLeak { get; init; }

    /// <summary>Time between the two snapshots of an automatic heap diff.</summary>
    public double HeapDiffIntervalSeconds { get; init; } = 10;

    /// <summary>Read .NET runtime counters over EventPipe when the root process is a .NET process.</summary>
    public bool RuntimeCounters { get; init; } = true;

    /// <summary>Glob patterns narrowing the scraped series; all when empty.</summary>
    public IReadOnlyList<string> MetricPatterns { get; init; } = [];
}
