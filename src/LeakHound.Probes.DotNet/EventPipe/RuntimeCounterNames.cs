using LeakHound.Core.Signals;

namespace LeakHound.Probes.DotNet.EventPipe;

/// <summary>Maps the runtime's <c>System.Runtime</c> EventCounters to LeakHound series names and units.</summary>
/// <remarks>The managed-heap series are named in Core (<see cref="FullCollections"/>), which judges them.</remarks>
public static class RuntimeCounterNames
{
    /// <summary>Series of the managed heap that the RSS split uses.</summary>
    public const string GcHeapSize = FullCollections.HeapSizeSeries;

    /// <summary>Bytes that survived the latest full (gen2) collection: the managed heap's floor, from the GC's events.</summary>
    public const string LiveAfterFullGc = FullCollections.LiveAfterSeries;

    public const string GcCommitted = FullCollections.CommittedSeries;

    /// <summary>Resident memory that is not the GC's: native allocations, code, stacks, mapped files.</summary>
    public const string NonManaged = "dotnet_non_managed_bytes";

    /// <summary>
    /// The series name and the factor that turns the counter's value into that series' unit; increments (counters that
    /// report a count per interval) are divided by the interval to become rates.
    /// </summary>
    public static (string Series, double Factor, bool PerInterval) For(string counter) => counter switch
    {
        "gc-heap-size" => (GcHeapSize, 1e6, false),          // reported in MB (10^6 bytes)
        "gc-committed" => (GcCommitted, 1e6, false),
        "gen-0-size" => ("dotnet_gen0_size_bytes", 1, false),
        "gen-1-size" => ("dotnet_gen1_size_bytes", 1, false),
        "gen-2-size" => (FullCollections.Gen2SizeSeries, 1, false),
        "loh-size" => (FullCollections.LohSizeSeries, 1, false),
        "poh-size" => (FullCollections.PohSizeSeries, 1, false),
        "gc-fragmentation" => ("dotnet_gc_fragmentation_percent", 1, false),
        "time-in-gc" => ("dotnet_time_in_gc_percent", 1, false),
        "alloc-rate" => ("dotnet_alloc_rate_bytes_per_second", 1, true),
        "gen-0-gc-count" => ("dotnet_gen0_gcs_per_second", 1, true),
        "gen-1-gc-count" => ("dotnet_gen1_gcs_per_second", 1, true),
        "gen-2-gc-count" => (FullCollections.Gen2RateSeries, 1, true),
        "exception-count" => ("dotnet_exceptions_per_second", 1, true),
        "threadpool-thread-count" => ("dotnet_threadpool_threads", 1, false),
        "threadpool-queue-length" => ("dotnet_threadpool_queue_length", 1, false),
        "active-timer-count" => ("dotnet_timers", 1, false),
        "assembly-count" => ("dotnet_assemblies", 1, false),
        "monitor-lock-contention-count" => ("dotnet_lock_contentions_per_second", 1, true),
        "working-set" => ("dotnet_working_set_bytes", 1e6, false),
        _ => ("dotnet_" + counter.Replace('-', '_'), 1, false),
    };
}
