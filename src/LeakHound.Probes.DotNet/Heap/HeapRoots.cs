using Microsoft.Diagnostics.Runtime;

namespace LeakHound.Probes.DotNet.Heap;

/// <summary>Where liveness starts: objects held by static fields (named, listed first) and every other GC root.</summary>
public static class HeapRoots
{
    public static IEnumerable<(ulong Address, string Label)> Enumerate(ClrRuntime runtime)
    {
        foreach (ClrAppDomain domain in runtime.AppDomains)
        {
            foreach (ClrModule module in domain.Modules)
            {
                foreach (ClrType type in module.EnumerateTypesWithStaticFields())
                {
                    foreach (ClrStaticField field in type.StaticFields)
                    {
                        if (field.IsObjectReference && field.ReadObject(domain).Address is not 0 and ulong address)
                        {
                            yield return (address, $"static {type.Name}.{field.Name}");
                        }
                    }
                }
            }
        }

        foreach (ClrRoot root in runtime.Heap.EnumerateRoots())
        {
            if (root.Object.Address != 0)
            {
                yield return (root.Object.Address, $"{root.RootKind} root");
            }
        }
    }

    /// <summary>Every object reachable from a root: a dump also holds dead objects the GC has not yet collected.</summary>
    public static HashSet<ulong> MarkLive(ClrRuntime runtime)
    {
        HashSet<ulong> live = [];
        Stack<ulong> pending = new();
        foreach ((ulong address, _) in Enumerate(runtime))
        {
            if (live.Add(address))
            {
                pending.Push(address);
            }
        }

        ClrHeap heap = runtime.Heap;
        while (pending.Count > 0)
        {
            ClrObject obj = heap.GetObject(pending.Pop());
            if (obj.Type is null)
            {
                continue;
            }

            foreach (ClrObject child in obj.EnumerateReferences(carefully: false, considerDependantHandles: true))
            {
                if (child.Address != 0 && live.Add(child.Address))
                {
                    pending.Push(child.Address);
                }
            }
        }

        return live;
    }
}
