using LeakHound.Core.Detection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeakHound.Hosting;

/// <summary>How the in-process monitor samples its own process and when it reports a leak.</summary>
public sealed class LeakHoundOptions
{
    /// <summary>Time between samples. The detector's cost per sample is amortised O(1), so seconds are cheap.</summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Samples taken in the first moments of the process are ignored: JIT, caches and connection pools fill then, and
    /// a start-up is not a leak. The detector has its own warm-up defences; this is the service-level grace period
    /// (like a container's start period).
    /// </summary>
    public TimeSpan WarmUp { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The statistics: minimum span, confidence, confirmation. The defaults suit a service (5-minute span).</summary>
    public DetectorOptions Detector { get; set; } = DetectorOptions.Default;

    /// <summary>The memory limit for time-to-limit; null reads the cgroup limit, else the machine's memory.</summary>
    public long? MemoryLimitBytes { get; set; }

    /// <summary>Also watch the .NET runtime: bytes live after the last full GC, live timers, thread-pool threads.</summary>
    public bool WatchRuntime { get; set; } = true;

    /// <summary>
    /// Series whose leak turns the health check unhealthy; empty means all. Names as in <c>leakhound watch</c>:
    /// rss, anon, threads, fds, dotnet_gc_live_after_full_gc_bytes, dotnet_timers, dotnet_threadpool_threads.
    /// </summary>
    public ISet<string> HealthSeries { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The health status reported while a leak is confirmed; Degraded by default (the service still answers).</summary>
    public HealthStatus LeakStatus { get; set; } = HealthStatus.Degraded;

    /// <summary>The health check's registration name.</summary>
    public string HealthCheckName { get; set; } = "leakhound";

    /// <summary>Tags of the health check registration, to filter it into a dedicated endpoint.</summary>
    public ISet<string> HealthCheckTags { get; } = new HashSet<string>(StringComparer.Ordinal) { "leak" };

    /// <summary>
    /// A verdict other than <c>leak</c> is logged only after it has held for this many samples in a row, so a series
    /// that wavers between <c>stable</c> and <c>sawtooth</c> does not flood the log. Leaks are logged at once: the
    /// detector has already confirmed them.
    /// </summary>
    public int LogAfterSamples { get; set; } = 3;

    internal string? Validate()
    {
        if (SampleInterval <= TimeSpan.Zero) { return "SampleInterval must be positive"; }
        if (WarmUp < TimeSpan.Zero) { return "WarmUp must not be negative"; }
        if (MemoryLimitBytes is <= 0) { return "MemoryLimitBytes must be positive"; }
        if (LogAfterSamples < 1) { return "LogAfterSamples must be at least 1"; }
        return Detector.Validate();
    }
}
