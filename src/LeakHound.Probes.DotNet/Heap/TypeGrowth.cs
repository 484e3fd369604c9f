namespace LeakHound.Probes.DotNet.Heap;

/// <summary>How one type changed between the first and the last snapshot, with an example of what keeps it alive.</summary>
public sealed record TypeGrowth(string Type, TypeStats Before, TypeStats After, bool ApplicationType)
{
    public long CountGrowth => After.Count - Before.Count;

    public long BytesGrowth => After.Bytes - Before.Bytes;

    /// <summary>One retention path in the last snapshot, GC root first (e.g. <c>static Cache.s_items → Dictionary → Entry[] → Contact</c>).</summary>
    public IReadOnlyList<string>? RetentionPath { get; init; }
}
