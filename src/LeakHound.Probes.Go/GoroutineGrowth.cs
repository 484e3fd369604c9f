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
/// between every two reads; pools, workers and requests in flight come and go. What goleak and the reconnect incident's
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

    /// <summary>
    /// The growing stacks of count profiles (debug=1: no state, no creator) as one full dump (debug=2) shows them: the
    /// dump's stack with the same frames outside the runtime that most goroutines share, with the counted goroutines.
    /// The profile keeps a stack's innermost 32 frames (128 from Go 1.23) and the dump up to 100, so a deeper stack is
    /// matched by the frames the profile has. A stack the dump lacks (Go cuts a dump at 64 MB) stays as counted.
    /// </summary>
    public static IReadOnlyList<GoroutineGrowth> WithDetails(IReadOnlyList<GoroutineGrowth> growing, IReadOnlyList<GoroutineStack> dump)
    {
        List<(string Key, GoroutineStack Stack)> byUserFrames = [.. dump.OrderByDescending(s => s.Count).Select(s => (GoroutineStack.UserFramesKey(s.Frames), s))];
        return [.. growing.Select(g =>
        {
            string key = GoroutineStack.UserFramesKey(g.Stack.Frames);
            GoroutineStack? detailed = byUserFrames.FirstOrDefault(d => d.Key == key).Stack
                ?? byUserFrames.FirstOrDefault(d => d.Key.StartsWith(key + "\n", StringComparison.Ordinal)).Stack;
            return detailed is null ? g : g with { Stack = detailed with { Count = g.Stack.Count } };
        })];
    }

    /// <summary>
    /// <see cref="WithDetails"/> with a dump read now, only when something grew; the counted stacks and why, when the
    /// dump cannot be had.
    /// </summary>
    public static async Task<(IReadOnlyList<GoroutineGrowth> Growing, string? Missing)> WithDetailsAsync(
        IReadOnlyList<GoroutineGrowth> growing, PprofEndpoint endpoint, CancellationToken cancel)
    {
        if (growing.Count == 0)
        {
            return (growing, null);
        }

        try
        {
            IReadOnlyList<GoroutineGrowth> detailed = WithDetails(growing, await endpoint.GoroutinesAsync(cancel));
            int lacking = detailed.Count(g => g.Stack.State == GoroutineStack.UnknownState);
            return (detailed, lacking == 0 ? null
                : $"{lacking} of {detailed.Count} growing stacks are not in the goroutine dump (Go cuts it at 64 MB): their state and creator are unknown");
        }
        catch (PprofException e)
        {
            return (growing, $"no state or creator for the growing stacks: {e.Message}");
        }
    }
}
