using LeakHound.Core.Explaining;

namespace LeakHound.Probes.Go;

/// <summary>A stack whose goroutines grew in every step between dumps: the counts seen, and how fast.</summary>
/// <param name="Stack">The stack as the last dump has it.</param>
/// <param name="Counts">Its goroutines at each dump.</param>
/// <param name="PerSecond">Growth per second, first dump to last.</param>
public sealed record GoroutineGrowth(GoroutineStack Stack, IReadOnlyList<int> Counts, double PerSecond)
{
    public int Growth => Counts[^1] - Counts[0];
}

/// <summary>
/// The stacks that grow: a leak of goroutines (one started per reconnect, blocked forever) is a stack whose count rises
/// between every two dumps; pools, workers and requests in flight come and go. What goleak and the reconnect incident's
/// team did by hand with two dumps, over as many dumps as asked.
/// </summary>
public static class GoroutineGrowthDiff
{
    /// <param name="dumps">The dumps, oldest first, with when each was read (seconds).</param>
    public static IReadOnlyList<GoroutineGrowth> Growing(IReadOnlyList<(double T, IReadOnlyList<GoroutineStack> Stacks)> dumps)
    {
        Dictionary<string, GoroutineStack> last = dumps.Count > 0 ? dumps[^1].Stacks.ToDictionary(s => s.Signature, StringComparer.Ordinal) : [];
        return [.. EveryStepGrowth.Of<string>([.. dumps.Select(d => (d.T, (IReadOnlyDictionary<string, long>)d.Stacks.ToDictionary(s => s.Signature, s => (long)s.Count, StringComparer.Ordinal)))])
            .Select(g => new GoroutineGrowth(last[g.Key], [.. g.Values.Select(v => (int)v)], g.PerSecond))];
    }
}
