namespace LeakHound.Probes.Node.Snapshots;

/// <summary>A collection in a snapshot (a Map, Set, array or dictionary-mode object) and its entries.</summary>
public readonly record struct CollectionSize(string Kind, int Entries);

/// <summary>
/// What one heap snapshot holds, reduced to what a diff of several needs (the snapshot itself can be dropped): objects
/// and bytes per constructor, the entries of every collection by node id, and the highest node id of V8's objects (V8
/// gives every new object a higher id, stable for the process's life: an object above an earlier snapshot's highest id
/// is new since; native and synthetic nodes take ids from their addresses and are left out).
/// </summary>
public sealed class SnapshotSummary
{
    /// <summary>Collections with fewer entries are not tracked (a diff looks for those that keep growing).</summary>
    public const int MinTrackedEntries = 16;

    private SnapshotSummary(IReadOnlyDictionary<string, (long Count, long Bytes)> classes, IReadOnlyDictionary<int, CollectionSize> collections, int maxId, int nodes)
    {
        Classes = classes;
        Collections = collections;
        MaxId = maxId;
        Nodes = nodes;
    }

    /// <summary>Objects and their own bytes per constructor ("Map", "Contact", "(string)", "system / JSArrayBufferData").</summary>
    public IReadOnlyDictionary<string, (long Count, long Bytes)> Classes { get; }

    /// <summary>Entries of each collection, by node id.</summary>
    public IReadOnlyDictionary<int, CollectionSize> Collections { get; }

    public int MaxId { get; }

    public int Nodes { get; }

    /// <summary>What a node counts as: its constructor for objects, a kind in parentheses for V8's own, null for the engine's internals.</summary>
    public static string? ClassOf(HeapSnapshot s, int node) => s.TypeOf(node) switch
    {
        "object" or "native" => s.NameOf(node),
        "closure" => "(closure)",
        "string" or "concatenated string" or "sliced string" => "(string)",
        "array" => "(array)",
        "number" => "(number)",
        "regexp" => "(regexp)",
        "symbol" => "(symbol)",
        "bigint" => "(bigint)",
        _ => null, // code, hidden, synthetic, object shape: the engine's own
    };

    public static SnapshotSummary Of(HeapSnapshot s)
    {
        Dictionary<string, (long Count, long Bytes)> classes = new(StringComparer.Ordinal);
        Dictionary<int, CollectionSize> collections = [];
        int maxId = 0;
        for (int node = 0; node < s.NodeCount; node++)
        {
            // Embedder (native) and synthetic nodes take their ids from addresses, not from V8's rising sequence.
            if (s.TypeOf(node) is not ("native" or "synthetic"))
            {
                maxId = Math.Max(maxId, s.IdOf(node));
            }

            if (ClassOf(s, node) is not { } cls)
            {
                continue;
            }

            (long count, long bytes) = classes.GetValueOrDefault(cls);
            classes[cls] = (count + 1, bytes + s.SizeOf(node));
            if (s.TypeOf(node) == "object" && Entries(s, node) is { Entries: >= MinTrackedEntries } size)
            {
                collections[s.IdOf(node)] = size;
            }
        }

        return new SnapshotSummary(classes, collections, maxId, s.NodeCount);
    }

    /// <summary>
    /// A collection's entries: a Map's or Set's hash table (its <c>table</c>: a Map holds a key and a value per entry),
    /// an array's <c>elements</c>, an object's out-of-line <c>properties</c> (a dictionary-mode object used as a map).
    /// </summary>
    public static CollectionSize? Entries(HeapSnapshot s, int node)
    {
        string name = s.NameOf(node);
        string? store = name switch
        {
            "Map" or "Set" => "table",
            "Array" => "elements",
            _ => "properties",
        };
        (int first, int end) = s.EdgesOf(node);
        for (int e = first; e < end; e++)
        {
            if (s.EdgeTypeOf(e) == "internal" && s.EdgeNameOf(e) == store)
            {
                int edges = s.EdgeCountOf(s.EdgeTarget(e));
                return name switch
                {
                    "Map" => new CollectionSize("Map", edges / 2),
                    "Set" => new CollectionSize("Set", edges),
                    "Array" => new CollectionSize("Array", edges),
                    _ => new CollectionSize($"{name} (as a dictionary)", edges),
                };
            }
        }

        return null;
    }
}
