using Microsoft.Diagnostics.Runtime;

namespace LeakHound.Probes.DotNet.Heap;

/// <summary>
/// Finds, for each type, the path from a GC root that retains the most of its instances: breadth-first from every root
/// at once (static fields first, so that among equally short paths the one through a named static field wins), each
/// instance reached is counted under its path's shape (the types and fields along it, array indices aside), and the
/// shape that holds the most instances gives the example path. What grew is held by the path that holds the most of
/// it — an unbounded queue's thousands of buffers, not the few a sampler has held from the start. Given which
/// instances are new since an earlier snapshot, those are what is counted (when there are any).
/// </summary>
public static class RetentionPaths
{
    /// <summary>Objects visited at most, so a huge heap cannot stall the diff.</summary>
    public const int MaxVisited = 5_000_000;

    /// <summary>Instances of one type counted at most (their paths are built to be counted).</summary>
    public const int MaxCountedPerType = 100_000;

    /// <param name="runtime">The snapshot's runtime.</param>
    /// <param name="typeNames">The types to explain.</param>
    /// <param name="isNew">Whether an instance (by address) is new since the first snapshot; null: every one is.</param>
    /// <returns>Type name → root-first path of the shape that retains the most of its instances.</returns>
    public static Dictionary<string, IReadOnlyList<string>> Find(ClrRuntime runtime, IReadOnlyCollection<string> typeNames, Func<ulong, bool>? isNew = null)
    {
        HashSet<string> wanted = new(typeNames, StringComparer.Ordinal);
        Dictionary<string, ShapeCounts> counts = new(StringComparer.Ordinal);
        Dictionary<ulong, (ulong Parent, string Edge)> parents = [];
        Queue<ulong> queue = new();

        void Enqueue(ulong address, ulong parent, string edge)
        {
            if (address != 0 && parents.TryAdd(address, (parent, edge)))
            {
                queue.Enqueue(address);
            }
        }

        ClrHeap heap = runtime.Heap;
        foreach ((ulong address, string label) in HeapRoots.Enumerate(runtime))
        {
            Enqueue(address, 0, label);
        }

        int visited = 0;
        while (queue.Count > 0 && visited++ < MaxVisited)
        {
            ulong address = queue.Dequeue();
            ClrObject obj = heap.GetObject(address);
            if (obj.Type?.Name is { } name && wanted.Contains(name))
            {
                ShapeCounts shapes = counts.TryGetValue(name, out ShapeCounts? c) ? c : counts[name] = new ShapeCounts();
                if (shapes.Counted < MaxCountedPerType)
                {
                    shapes.Add(BuildPath(heap, parents, address), isNew?.Invoke(address) ?? true);
                }
            }

            if (obj.Type is null)
            {
                continue;
            }

            foreach (ClrReference reference in obj.EnumerateReferencesWithFields(carefully: false, considerDependantHandles: true))
            {
                Enqueue(reference.Object.Address, address, reference.Field?.Name ?? (reference.IsArrayElement ? "[]" : "→"));
            }
        }

        return counts.ToDictionary(c => c.Key, c => c.Value.Best(), StringComparer.Ordinal);
    }

    /// <summary>Instances of one type by the shape of the path that reaches them.</summary>
    private sealed class ShapeCounts
    {
        private readonly Dictionary<string, (int All, int New, IReadOnlyList<string> Example)> _byShape = new(StringComparer.Ordinal);

        public int Counted { get; private set; }

        public void Add(List<string> path, bool isNew)
        {
            Counted++;
            string shape = string.Join(" → ", path);
            (int all, int fresh, IReadOnlyList<string> example) = _byShape.TryGetValue(shape, out var seen) ? seen : (0, 0, path);
            _byShape[shape] = (all + 1, fresh + (isNew ? 1 : 0), example);
        }

        /// <summary>
        /// The shape holding the most new instances (all instances when none is new); among equals, one through an
        /// application type (a string or array is best explained by the application object that owns it), then the shortest.
        /// </summary>
        public IReadOnlyList<string> Best()
        {
            bool anyNew = _byShape.Values.Any(v => v.New > 0);
            return _byShape.Values
                .OrderByDescending(v => anyNew ? v.New : v.All)
                .ThenByDescending(v => v.Example.Take(v.Example.Count - 1).Any(step => HeapDiff.IsApplicationType(StepType(step))))
                .ThenBy(v => v.Example.Count)
                .First().Example;
        }
    }

    /// <summary>The type named in one step of a path ("T (via f)" or "static X.f → T").</summary>
    private static string StepType(string step)
    {
        int arrow = step.LastIndexOf(" → ", StringComparison.Ordinal);
        string tail = arrow >= 0 ? step[(arrow + 3)..] : step;
        int via = tail.IndexOf(" (via ", StringComparison.Ordinal);
        return via >= 0 ? tail[..via] : tail;
    }

    private static List<string> BuildPath(ClrHeap heap, Dictionary<ulong, (ulong Parent, string Edge)> parents, ulong address)
    {
        List<string> path = [];
        ulong current = address;
        while (current != 0 && path.Count < 64)
        {
            (ulong parent, string edge) = parents[current];
            string type = heap.GetObjectType(current)?.Name ?? "?";
            path.Add(parent == 0 ? $"{edge} → {type}" : $"{type} (via {edge})");
            current = parent;
        }

        path.Reverse();
        return path;
    }
}
