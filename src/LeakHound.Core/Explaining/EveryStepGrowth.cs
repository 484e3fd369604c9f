namespace LeakHound.Core.Explaining;

/// <summary>One thing (a goroutine stack, an allocation site) whose amount rose between every two snapshots.</summary>
/// <param name="Key">What it is.</param>
/// <param name="Values">Its amount at each snapshot, oldest first (0 where a snapshot did not have it).</param>
/// <param name="PerSecond">Its rise per second, first snapshot to last.</param>
public sealed record Growing<TKey>(TKey Key, IReadOnlyList<long> Values, double PerSecond)
{
    public long Growth => Values[^1] - Values[0];
}

/// <summary>
/// The rule every explanation shares: what grows is what rose between <em>every</em> two consecutive snapshots, not
/// once (pools, requests in flight and caches filling come and go; a leak only adds). With a sampled measure (a heap
/// profiler's samples) a step can rise by chance; <c>significant</c> is then asked about the whole rise as well.
/// </summary>
public static class EveryStepGrowth
{
    /// <param name="snapshots">The snapshots, oldest first, with when each was taken (seconds) and each thing's amount.</param>
    /// <param name="significant">Whether a thing's amounts (first to last) rose by more than noise; null: every rise counts.</param>
    /// <returns>The growing things, the largest rise first (ties by key order).</returns>
    public static IReadOnlyList<Growing<TKey>> Of<TKey>(IReadOnlyList<(double T, IReadOnlyDictionary<TKey, long> Amounts)> snapshots,
        Func<TKey, IReadOnlyList<long>, bool>? significant = null) where TKey : notnull
    {
        if (snapshots.Count < 2 || !(snapshots[^1].T > snapshots[0].T))
        {
            return [];
        }

        double seconds = snapshots[^1].T - snapshots[0].T;
        List<Growing<TKey>> growing = [];
        foreach (TKey key in snapshots[^1].Amounts.Keys)
        {
            long[] values = [.. snapshots.Select(s => s.Amounts.TryGetValue(key, out long v) ? v : 0)];
            bool everyStep = true;
            for (int i = 1; i < values.Length && everyStep; i++)
            {
                everyStep = values[i] > values[i - 1];
            }

            if (everyStep && (significant is null || significant(key, values)))
            {
                growing.Add(new Growing<TKey>(key, values, (values[^1] - values[0]) / seconds));
            }
        }

        return [.. growing.OrderByDescending(g => g.Growth).ThenBy(g => g.Key.ToString(), StringComparer.Ordinal)];
    }
}
