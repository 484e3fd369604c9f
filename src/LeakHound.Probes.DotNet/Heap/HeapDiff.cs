namespace LeakHound.Probes.DotNet.Heap;

/// <summary>Types whose live instances grew between snapshots, the likely culprits first.</summary>
public static class HeapDiff
{
    /// <summary>Growth below both of these is noise (allocation in flight between two snapshots).</summary>
    public const long MinCountGrowth = 50;

    public const long MinBytesGrowth = 64 * 1024;

    /// <summary>
    /// Types that grew in every step of the snapshot sequence and by more than the noise floor. Application types
    /// rank before framework types (a leaking <c>Contact</c> also grows the strings and arrays it owns, and the developer
    /// needs the owner), then by bytes grown.
    /// </summary>
    public static List<TypeGrowth> Compute(IReadOnlyList<Dictionary<string, TypeStats>> snapshots)
    {
        if (snapshots.Count < 2)
        {
            throw new ArgumentException("at least two snapshots are needed", nameof(snapshots));
        }

        Dictionary<string, TypeStats> first = snapshots[0];
        Dictionary<string, TypeStats> last = snapshots[^1];
        List<TypeGrowth> growing = [];
        foreach ((string type, TypeStats after) in last)
        {
            TypeStats before = first.GetValueOrDefault(type);
            long countGrowth = after.Count - before.Count;
            long bytesGrowth = after.Bytes - before.Bytes;
            if (countGrowth <= 0 || (countGrowth < MinCountGrowth && bytesGrowth < MinBytesGrowth))
            {
                continue;
            }

            bool everyStep = true;
            for (int i = 1; i < snapshots.Count; i++)
            {
                everyStep &= snapshots[i].GetValueOrDefault(type).Count > snapshots[i - 1].GetValueOrDefault(type).Count;
            }

            if (everyStep)
            {
                growing.Add(new TypeGrowth(type, before, after, IsApplicationType(type)));
            }
        }

        return growing
            .OrderByDescending(g => g.ApplicationType)
            .ThenByDescending(g => g.BytesGrowth)
            .ToList();
    }

    /// <summary>Anything not from the runtime's own namespaces (System.*, Microsoft.*, Internal.*, Interop) or an array of those.</summary>
    public static bool IsApplicationType(string type)
    {
        string element = type.TrimEnd('[', ']', ',');
        return !(element.StartsWith("System.", StringComparison.Ordinal)
            || element.StartsWith("Microsoft.", StringComparison.Ordinal)
            || element.StartsWith("Internal.", StringComparison.Ordinal)
            || element.StartsWith("Interop", StringComparison.Ordinal)
            || element == "Free");
    }
}
