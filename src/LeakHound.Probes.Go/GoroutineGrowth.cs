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
        if (dumps.Count < 2)
        {
            return [];
        }

        Dictionary<string, GoroutineStack>[] bySignature = [.. dumps.Select(d => d.Stacks.ToDictionary(s => s.Signature, StringComparer.Ordinal))];
        List<GoroutineGrowth> growing = [];
        foreach ((string signature, GoroutineStack last) in bySignature[^1])
        {
            int[] counts = [.. bySignature.Select(d => d.TryGetValue(signature, out GoroutineStack? s) ? s.Count : 0)];
            bool everyStep = counts.Zip(counts.Skip(1)).All(p => p.Second > p.First);
            double seconds = dumps[^1].T - dumps[0].T;
            if (everyStep && seconds > 0)
            {
                growing.Add(new GoroutineGrowth(last, counts, (counts[^1] - counts[0]) / seconds));
            }
        }

        return [.. growing.OrderByDescending(g => g.Growth).ThenBy(g => g.Stack.Signature, StringComparer.Ordinal)];
    }
}
