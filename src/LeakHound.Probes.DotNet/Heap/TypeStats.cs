namespace LeakHound.Probes.DotNet.Heap;

/// <summary>Live instances of one type in one heap snapshot.</summary>
public readonly record struct TypeStats(long Count, long Bytes);
