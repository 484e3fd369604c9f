using LeakHound.Core.Detection;

namespace LeakHound.Watching;

/// <summary>How to watch: the sampling loop, what each target reads, and how much evidence a verdict needs.</summary>
public sealed record WatchSettings
{
    public double IntervalSeconds { get; init; } = 1;

    /// <summary>Stop after this many seconds; null runs until the targets exit or the watch is cancelled.</summary>
    public double? DurationSeconds { get; init; }

    /// <summary>Stop at the first leak, or once every resource signal of every target has a settled healthy verdict.</summary>
    public bool UntilVerdict { get; init; }

    /// <summary>User-given memory limit in bytes; null means the target's cgroup limit, else the machine's memory.</summary>
    public double? LimitBytes { get; init; }

    public bool IncludeChildren { get; init; } = true;

    /// <summary>Also judge each process of a tree on its own (once a tree has several processes).</summary>
    public bool PerProcess { get; init; } = true;

    /// <summary>Read PSS (smaps_rollup, costly on big processes) every this many seconds.</summary>
    public double PssEverySeconds { get; init; } = 10;

    public DetectorOptions Detector { get; init; } = DetectorOptions.Default;

    /// <summary>Prometheus/OpenMetrics endpoints scraped every interval by the target they belong to (<see cref="WatchTarget.Scrape"/>).</summary>
    public IReadOnlyList<Uri> MetricsUrls { get; init; } = [];

    /// <summary>Glob patterns narrowing the scraped series; all when empty.</summary>
    public IReadOnlyList<string> MetricPatterns { get; init; } = [];

    /// <summary>Read .NET runtime counters over EventPipe when a target's root process is a .NET process.</summary>
    public bool RuntimeCounters { get; init; } = true;

    /// <summary>
    /// Explain a leak automatically: a heap diff when a .NET target's managed heap turns <c>leak</c>; the growing
    /// goroutines and heap sites of a Go target with <see cref="PprofUrl"/> when any of its series turns <c>leak</c>.
    /// </summary>
    public bool ExplainOnLeak { get; init; }

    /// <summary>
    /// Open the inspector of a target whose root process is Node.js (<c>--node-inspector</c>): its heap gauges every
    /// round, and its allocation sites for an explanation. Only when asked: an open inspector lets any local user run
    /// code in the target; it is closed again when the watch ends.
    /// </summary>
    public bool NodeInspector { get; init; }

    /// <summary>
    /// A Node.js target's explanations also take heap snapshots (<c>--heap-snapshots</c>): the constructors and
    /// collections that grow and the path that holds them. Costly — the target pauses for each, and its memory rises many
    /// times its heap — so only when asked, and refused per snapshot when the target's headroom cannot take it.
    /// </summary>
    public bool NodeHeapSnapshots { get; init; }

    /// <summary>The first target's Go net/http/pprof (<c>--pprof-url</c>), for explanations of a Go program.</summary>
    public Uri? PprofUrl { get; init; }

    /// <summary>Time between the two snapshots of an automatic heap diff.</summary>
    public double HeapDiffIntervalSeconds { get; init; } = 10;
}
