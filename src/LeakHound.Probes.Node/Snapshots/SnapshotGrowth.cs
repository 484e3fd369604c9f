using LeakHound.Core.Explaining;

namespace LeakHound.Probes.Node.Snapshots;

/// <summary>A constructor whose objects grew in every diff of consecutive snapshots, with one path that keeps a new one.</summary>
public sealed record ClassGrowth(string Class, IReadOnlyList<long> Counts, IReadOnlyList<long> Bytes, IReadOnlyList<string> RetainerPath)
{
    public long Growth => Counts[^1] - Counts[0];

    public long BytesGrowth => Bytes[^1] - Bytes[0];
}

/// <summary>A collection (by node id, the same object in every snapshot) whose entries grew in every diff.</summary>
public sealed record CollectionGrowth(string Kind, int Id, IReadOnlyList<long> Entries, IReadOnlyList<string> RetainerPath)
{
    public long Growth => Entries[^1] - Entries[0];
}

/// <summary>
/// What grew across 3+ snapshots of one process: per constructor, the objects that grew in every consecutive diff
/// (size growth without count growth is not a leak of objects); the collections whose entries kept growing (memlab's
/// unbound-collection); for the top of each, the shortest path from the GC roots to an object new since the first
/// snapshot — so the path is that of what grew, not of something that was always there.
/// </summary>
public static class SnapshotGrowth
{
    /// <summary>Fewer new objects (or entries) per step are the engine's own coming and going (closures compiled lazily, interned strings).</summary>
    public const int MinPerStep = 10;

    public static (IReadOnlyList<ClassGrowth> Classes, IReadOnlyList<CollectionGrowth> Collections) Of(IReadOnlyList<SnapshotSummary> summaries, HeapSnapshot last, int top)
    {
        if (summaries.Count < 2)
        {
            return ([], []);
        }

        double[] steps = [.. Enumerable.Range(0, summaries.Count).Select(i => (double)i)];
        bool EveryStepAdds(IReadOnlyList<long> values) => values.Zip(values.Skip(1)).All(p => p.Second - p.First >= MinPerStep);

        List<Growing<string>> classes = [.. EveryStepGrowth.Of<string>(
            [.. summaries.Select((s, i) => (steps[i], (IReadOnlyDictionary<string, long>)s.Classes.ToDictionary(c => c.Key, c => c.Value.Count, StringComparer.Ordinal)))],
            (_, values) => EveryStepAdds(values))];
        List<Growing<int>> collections = [.. EveryStepGrowth.Of<int>(
            [.. summaries.Select((s, i) => (steps[i], (IReadOnlyDictionary<int, long>)s.Collections.ToDictionary(c => c.Key, c => (long)c.Value.Entries)))],
            (id, values) => summaries[0].Collections.ContainsKey(id) && EveryStepAdds(values))];

        // Bytes decide the order of constructors: what costs memory first.
        Growing<string>[] topClasses = [.. classes.OrderByDescending(c => summaries[^1].Classes[c.Key].Bytes - summaries[0].Classes.GetValueOrDefault(c.Key).Bytes).Take(top)];
        Growing<int>[] topCollections = [.. collections.Take(top)];

        RetainerPaths paths = new(last);
        Dictionary<string, int> example = ExamplesNewSince(last, paths, summaries[0].MaxId, [.. topClasses.Select(c => c.Key)]);
        Dictionary<int, int> byId = [];
        HashSet<int> wanted = [.. topCollections.Select(c => c.Key)];
        for (int node = 0; node < last.NodeCount && byId.Count < wanted.Count; node++)
        {
            if (wanted.Contains(last.IdOf(node)))
            {
                byId[last.IdOf(node)] = node;
            }
        }

        return (
            [.. topClasses.Select(c => new ClassGrowth(c.Key, c.Values, [.. summaries.Select(s => s.Classes.GetValueOrDefault(c.Key).Bytes)],
                example.TryGetValue(c.Key, out int node) ? paths.To(node) : []))],
            [.. topCollections.Select(c => new CollectionGrowth(summaries[^1].Collections[c.Key].Kind, c.Key, c.Values,
                byId.TryGetValue(c.Key, out int node) ? paths.To(node) : []))]);
    }

    /// <summary>For each class, the oldest of its objects created after the first snapshot that something still holds.</summary>
    private static Dictionary<string, int> ExamplesNewSince(HeapSnapshot s, RetainerPaths paths, int firstMaxId, HashSet<string> classes)
    {
        Dictionary<string, int> examples = new(StringComparer.Ordinal);
        for (int node = 0; node < s.NodeCount; node++)
        {
            if (s.IdOf(node) > firstMaxId && SnapshotSummary.ClassOf(s, node) is { } cls && classes.Contains(cls) && paths.Reachable(node)
                && (!examples.TryGetValue(cls, out int seen) || s.IdOf(node) < s.IdOf(seen)))
            {
                examples[cls] = node;
            }
        }

        return examples;
    }
}
