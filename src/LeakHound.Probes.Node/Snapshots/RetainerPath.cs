namespace LeakHound.Probes.Node.Snapshots;

/// <summary>
/// One path from the GC roots to an object: a breadth-first search from the snapshot's root over strong edges
/// (weak and shortcut edges keep nothing alive), so the shortest chain of references that keeps it — the question a
/// leak's owner asks ("who holds this?"), as memlab and DevTools' Retainers view answer it.
/// </summary>
public sealed class RetainerPaths
{
    private readonly HeapSnapshot _snapshot;
    private readonly int[] _parentEdge;

    public RetainerPaths(HeapSnapshot snapshot)
    {
        _snapshot = snapshot;
        _parentEdge = new int[snapshot.NodeCount];
        Array.Fill(_parentEdge, -1);
        bool[] seen = new bool[snapshot.NodeCount];
        Queue<int> queue = new();
        queue.Enqueue(0);
        seen[0] = true;
        while (queue.Count > 0)
        {
            int node = queue.Dequeue();
            (int first, int end) = snapshot.EdgesOf(node);
            for (int e = first; e < end; e++)
            {
                int to = snapshot.EdgeTarget(e);
                if (!seen[to] && snapshot.EdgeTypeOf(e) is not ("weak" or "shortcut"))
                {
                    seen[to] = true;
                    _parentEdge[to] = e;
                    queue.Enqueue(to);
                }
            }
        }

        _sourceOf = new int[snapshot.EdgeCount];
        for (int node = 0; node < snapshot.NodeCount; node++)
        {
            (int first, int end) = snapshot.EdgesOf(node);
            for (int e = first; e < end; e++)
            {
                _sourceOf[e] = node;
            }
        }
    }

    private readonly int[] _sourceOf;

    /// <summary>Whether a strong path from the GC roots reaches the node (garbage not yet collected has none).</summary>
    public bool Reachable(int node) => node == 0 || _parentEdge[node] >= 0;

    /// <summary>The chain from the GC roots, root side first: each step "holder.edge" and the object last; empty when unreachable.</summary>
    public IReadOnlyList<string> To(int node)
    {
        List<string> steps = [Describe(node)];
        int at = node;
        for (int guard = 0; _parentEdge[at] >= 0 && guard < 10_000; guard++)
        {
            int edge = _parentEdge[at];
            int holder = _sourceOf[edge];
            if (holder == 0)
            {
                break; // the synthetic root: its child, "(GC roots)" or the global, starts the path
            }

            steps.Add($"{Describe(holder)} .{_snapshot.EdgeNameOf(edge)}");
            at = holder;
        }

        steps.Reverse();
        return _parentEdge[node] >= 0 || node == 0 ? steps : [];
    }

    private string Describe(int node)
    {
        string name = _snapshot.NameOf(node);
        return _snapshot.TypeOf(node) switch
        {
            "object" or "native" or "synthetic" or "hidden" => name.Length == 0 ? $"({_snapshot.TypeOf(node)})" : name,
            "closure" => $"{(name.Length == 0 ? "(anonymous)" : name)}()",
            "string" or "concatenated string" or "sliced string" => "(string)",
            var type => $"({type}{(name.Length > 0 && name.Length < 40 ? $" {name}" : "")})",
        };
    }
}
