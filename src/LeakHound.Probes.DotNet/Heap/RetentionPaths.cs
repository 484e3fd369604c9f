using Microsoft.Diagnostics.Runtime;

namespace LeakHound.Probes.DotNet.Heap;

/// <summary>
/// Finds one shortest path from a GC root to an instance of a type: breadth-first from every root at once, static fields
/// first so that, among equally short paths, the one through a named static field wins ("key retention path").
/// </summary>
public static class RetentionPaths
{
    /// <summary>Objects visited at most, so a huge heap cannot stall the diff.</summary>
    public const int MaxVisited = 5_000_000;

    /// <summary>Paths for several types in one traversal (type name → root-first path).</summary>
    public static Dictionary<string, IReadOnlyList<string>> Find(ClrRuntime runtime, IReadOnlyCollection<string> typeNames)
    {
        Dictionary<string, IReadOnlyList<string>> found = new(StringComparer.Ordinal);
        Dictionary<string, IReadOnlyList<string>> fallback = new(StringComparer.Ordinal);
        HashSet<string> wanted = new(typeNames, StringComparer.Ordinal);
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
        while (queue.Count > 0 && wanted.Count > 0 && visited++ < MaxVisited)
        {
            ulong address = queue.Dequeue();
            ClrObject obj = heap.GetObject(address);
            if (obj.Type?.Name is { } name && wanted.Contains(name))
            {
                // A string or array is best explained by the application object that owns it: prefer a path through
                // one (the first string on the heap is string.Empty, which says nothing).
                List<string> path = BuildPath(heap, parents, address);
                if (HeapDiff.IsApplicationType(name) || path.Take(path.Count - 1).Any(step => HeapDiff.IsApplicationType(StepType(step))))
                {
                    found[name] = path;
                    wanted.Remove(name);
                }
                else
                {
                    fallback.TryAdd(name, path);
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

        foreach ((string name, IReadOnlyList<string> path) in fallback)
        {
            found.TryAdd(name, path);
        }

        return found;
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
