namespace LeakHound.Core.Signals;

/// <summary>
/// The series by which garbage-collected runtimes report their heaps and their full collections, as their usual
/// exporters name them: .NET's runtime counters (EventPipe), Go's client_golang, Node's prom-client, the JVM's
/// simpleclient_hotspot and Micrometer, Python's prometheus_client. Scraped counters arrive as <c>rate(name{…})</c>.
/// </summary>
public static class RuntimeHeaps
{
    /// <summary>How .NET names its full collection in a reason.</summary>
    public const string DotNet = "full (gen2) collection";

    private const string Go = "garbage collection (Go)";
    private const string Node = "major (mark-compact) collection (V8)";
    private const string Jvm = "old-generation collection (JVM)";

    private static readonly Dictionary<string, string> s_heaps = new(StringComparer.Ordinal)
    {
        [FullCollections.HeapSizeSeries] = DotNet,
        [FullCollections.CommittedSeries] = DotNet,
        [FullCollections.Gen2SizeSeries] = DotNet,
        [FullCollections.LohSizeSeries] = DotNet,
        [FullCollections.PohSizeSeries] = DotNet,
        ["go_memstats_heap_alloc_bytes"] = Go,
        ["go_memstats_alloc_bytes"] = Go,
        ["go_memstats_heap_inuse_bytes"] = Go,
        ["go_memstats_heap_objects"] = Go,
        ["go_memory_classes_heap_objects_bytes"] = Go,
        ["nodejs_heap_size_used_bytes"] = Node,
        ["nodejs_heap_space_size_used_bytes"] = Node,
        ["jvm_memory_used_bytes"] = Jvm,
        ["jvm_memory_bytes_used"] = Jvm,
        ["jvm_memory_pool_bytes_used"] = Jvm,
    };

    /// <summary>
    /// The kind of collection that frees a heap series' garbage, or null for a series that holds none. A JVM memory
    /// series counts only for the heap (<c>area="heap"</c>, or a pool whose name says old or tenured).
    /// </summary>
    public static string? CollectorOf(string series)
    {
        int brace = series.IndexOf('{');
        string name = brace < 0 ? series : series[..brace];
        if (!s_heaps.TryGetValue(name, out string? collector))
        {
            return null;
        }

        if (collector == Jvm && brace >= 0 && !series.Contains("area=\"heap\"", StringComparison.Ordinal)
            && !HasAny(series[brace..], "old", "tenured"))
        {
            return null;
        }

        return collector;
    }

    /// <summary>
    /// True for a series whose non-zero values mark full collections: .NET's gen2 rate, and the rates of the GC counters
    /// of Go (every cycle is full), V8 (major collections), the JVM (old-generation collectors) and Python (generation 2).
    /// </summary>
    public static bool CountsFullCollections(string series)
    {
        if (series == FullCollections.Gen2RateSeries)
        {
            return true;
        }

        if (!series.StartsWith("rate(", StringComparison.Ordinal) || !series.EndsWith(')'))
        {
            return false;
        }

        string inner = series[5..^1];
        int brace = inner.IndexOf('{');
        string name = brace < 0 ? inner : inner[..brace];
        string labels = brace < 0 ? "" : inner[brace..];
        return name switch
        {
            "go_gc_duration_seconds_count" or "go_gc_cycles_total_gc_cycles_total" or "go_gc_cycles_automatic_gc_cycles_total" => true,
            "nodejs_gc_duration_seconds_count" or "nodejs_gc_runs_total" => labels.Contains("kind=\"major\"", StringComparison.Ordinal),
            "jvm_gc_collection_seconds_count" => HasAny(labels, "old", "marksweep", "mark sweep", "tenured", "full"),
            "jvm_gc_pause_seconds_count" => HasAny(labels, "major"),
            "python_gc_collections_total" => labels.Contains("generation=\"2\"", StringComparison.Ordinal),
            _ => false,
        };
    }

    private static bool HasAny(string text, params string[] words) =>
        words.Any(w => text.Contains(w, StringComparison.OrdinalIgnoreCase));
}
