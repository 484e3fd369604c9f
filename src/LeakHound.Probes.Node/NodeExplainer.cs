using System.Diagnostics;
using LeakHound.Core.Explaining;
using LeakHound.Core.Units;
using LeakHound.Probes.Node.Snapshots;

namespace LeakHound.Probes.Node;

/// <summary>An allocation site whose live bytes grew between every two profiles, beyond the sampler's noise.</summary>
/// <param name="Site">The site as the last profile has it.</param>
/// <param name="Bytes">Its estimated live bytes at each profile.</param>
/// <param name="Samples">Its live samples at each profile.</param>
/// <param name="BytesPerSecond">Growth per second, first profile to last.</param>
public sealed record AllocationGrowth(AllocationSite Site, IReadOnlyList<long> Bytes, IReadOnlyList<int> Samples, double BytesPerSecond)
{
    public long Growth => Bytes[^1] - Bytes[0];
}

/// <summary>What grew inside a Node.js process over a few sampling heap profiles, with its memory split at each.</summary>
/// <param name="InspectorClosed">The inspector LeakHound opened was closed again and checked to be (set by whoever closes the session).</param>
public sealed record NodeExplanation(int Pid, int Port, bool InspectorClosed, int SamplingIntervalBytes,
    IReadOnlyList<(double T, NodeMemory Memory, IReadOnlyList<AllocationSite> Sites)> Profiles, IReadOnlyList<AllocationGrowth> Growing)
{
    /// <summary>Heap snapshots taken (<c>--heap-snapshots</c>), with the pause each cost; empty when none were asked for.</summary>
    public IReadOnlyList<Snapshots.SnapshotTaken> Snapshots { get; init; } = [];

    /// <summary>Why snapshots were asked for but not (all) taken: the target's headroom, a failure.</summary>
    public string? SnapshotsRefused { get; init; }

    /// <summary>Constructors whose objects grew in every diff of the snapshots, with a retainer path.</summary>
    public IReadOnlyList<Snapshots.ClassGrowth> Classes { get; init; } = [];

    /// <summary>Collections whose entries grew in every diff of the snapshots, with a retainer path.</summary>
    public IReadOnlyList<Snapshots.CollectionGrowth> Collections { get; init; } = [];

    public bool AnyGrowth => Growing.Count + Classes.Count + Collections.Count > 0;
}

/// <summary>
/// The default Node explanation, cheap enough for production: the sampling heap profiler runs over the window, and
/// after a full collection at each of <c>count</c> points its live samples are read. A site grows when its live bytes
/// and its live samples rose between every two profiles, the samples by more than three standard deviations of their count
/// (a site whose objects are freed slowly rises in one step by chance, not in every step by that much). A site is a
/// function, named by the line it starts at; for the window V8's optimizer is held back (precise call counting), so that
/// no function of the program hides inlined in another.
/// </summary>
public static class NodeExplainer
{
    /// <summary>
    /// One sample per 4 KiB allocated on average, 8× V8's default: a leak of Buffers keeps only ~150 bytes of JS heap per
    /// chunk (the bytes are external), which the default rate samples too seldom to see in a minute. Only for the window.
    /// </summary>
    public const int DefaultSamplingInterval = 4 << 10;

    /// <param name="session">The target's inspector.</param>
    /// <param name="window">Seconds between the first profile and the last; the sampler runs one step before the first.</param>
    /// <param name="count">Profiles (≥ 2).</param>
    /// <param name="top">Growing sites kept.</param>
    /// <param name="progress">Told after each profile.</param>
    /// <param name="cancel">Ends it early (the sampler is stopped).</param>
    /// <param name="heapSnapshots">Also take a heap snapshot at each profile (costly: the target pauses, its memory rises), when its headroom allows.</param>
    /// <remarks>The session stays open: its owner closes it (a watch reads the same session's gauges meanwhile).</remarks>
    /// <exception cref="NodeInspectorException">The inspector failed.</exception>
    public static async Task<NodeExplanation> RunAsync(InspectorSession session, double window, int count, int top, Action<string> progress, CancellationToken cancel,
        bool heapSnapshots = false)
    {
        List<(double T, NodeMemory Memory, IReadOnlyList<AllocationSite> Sites)> profiles = [];
        SnapshotSeries? snapshots = heapSnapshots ? new SnapshotSeries(session.Pid) : null;
        double step = window / (count - 1);
        // V8's sampler records physical frames: a function its optimizer inlined (a program's timer callback into Node's
        // listOnTimeout, a small method into its caller) vanishes from the stacks. Precise call counting needs every
        // call seen, so starting it deoptimizes everything and keeps functions from being inlined for the window: the
        // program's own functions show. The price — JavaScript runs unoptimized for the window — ends with it.
        await session.SendAsync("Profiler.enable", null, cancel);
        await session.SendAsync("Profiler.startPreciseCoverage", new { callCount = true, detailed = false }, cancel);
        await session.SendAsync("HeapProfiler.enable", null, cancel);
        await session.SendAsync("HeapProfiler.startSampling", new { samplingInterval = DefaultSamplingInterval }, cancel);
        try
        {
            Stopwatch clock = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                TimeSpan next = TimeSpan.FromSeconds(step * (i + 1)) - clock.Elapsed;
                await Task.Delay(next > TimeSpan.Zero ? next : TimeSpan.Zero, cancel);
                // Only what survives a full collection is live memory; garbage not yet collected is not growth.
                await session.SendAsync("HeapProfiler.collectGarbage", null, cancel);
                IReadOnlyList<AllocationSite> sites = SamplingHeapProfile.Parse(await session.SendAsync("HeapProfiler.getSamplingProfile", null, cancel));
                NodeMemory memory = await NodeMemory.ReadAsync(session, cancel);
                profiles.Add((clock.Elapsed.TotalSeconds, memory, sites));
                progress($"profile {i + 1} of {count}: heap {Quantity.FormatBytes(memory.HeapUsed)} used, external {Quantity.FormatBytes(memory.External)}, "
                    + $"rss {Quantity.FormatBytes(memory.Rss)}; {sites.Sum(s => s.Samples):N0} live samples from {sites.Count:N0} sites");
                if (snapshots is not null && await snapshots.TakeAsync(session, memory, clock.Elapsed.TotalSeconds, cancel) is { } taken)
                {
                    progress($"heap snapshot {i + 1} of {count}: {taken.Nodes:N0} objects, {Quantity.FormatBytes(taken.FileBytes)}; the target paused {taken.PauseSeconds:0.##}s");
                }
            }
        }
        finally
        {
            try
            {
                await session.SendAsync("HeapProfiler.stopSampling", null, CancellationToken.None, TimeSpan.FromSeconds(5));
                await session.SendAsync("Profiler.stopPreciseCoverage", null, CancellationToken.None, TimeSpan.FromSeconds(5));
                await session.SendAsync("Profiler.disable", null, CancellationToken.None, TimeSpan.FromSeconds(5));
            }
            catch (NodeInspectorException)
            {
                // the target went away; closing the session says what matters
            }
        }

        NodeExplanation explanation = new(session.Pid, session.Port, false, DefaultSamplingInterval, profiles, [.. Growing(profiles).Take(top)]);
        return snapshots is null ? explanation : snapshots.Explain(explanation, top);
    }

    /// <summary>The sites whose live bytes rose between every two profiles, and whose live samples rose beyond noise.</summary>
    public static IReadOnlyList<AllocationGrowth> Growing(IReadOnlyList<(double T, NodeMemory Memory, IReadOnlyList<AllocationSite> Sites)> profiles)
    {
        Dictionary<string, AllocationSite>[] byKey = [.. profiles.Select(p => p.Sites.ToDictionary(s => s.Key, StringComparer.Ordinal))];
        int Samples(int profile, string key) => byKey[profile].TryGetValue(key, out AllocationSite? s) ? s.Samples : 0;
        bool BeyondNoise(string key, IReadOnlyList<long> _)
        {
            // V8's pseudo-frames ((EXTERNAL), (V8 API), compiled code) name no code a person can change, and fill
            // while a process warms up: what they hold shows in the memory split, not as a site.
            if (!byKey[^1][key].Site.IsUserCode && !byKey[^1][key].Site.Url.StartsWith("node:", StringComparison.Ordinal))
            {
                return false;
            }

            // Objects, not only bytes, must be added in every step (bytes alone rise when a few objects grow or
            // bigger ones replace smaller), and live samples are counts: a rise of n1 − n0 against a spread of √(n0 + n1).
            for (int i = 1; i < byKey.Length; i++)
            {
                if (Samples(i, key) <= Samples(i - 1, key))
                {
                    return false;
                }
            }

            int first = Samples(0, key), last = Samples(byKey.Length - 1, key);
            return last - first >= 3 && last - first > 3 * Math.Sqrt(first + last);
        }

        return [.. EveryStepGrowth.Of<string>([.. profiles.Select((p, i) => (p.T, (IReadOnlyDictionary<string, long>)byKey[i].ToDictionary(s => s.Key, s => s.Value.LiveBytes, StringComparer.Ordinal)))], BeyondNoise)
            .Select(g => new AllocationGrowth(byKey[^1][g.Key], g.Values, [.. Enumerable.Range(0, byKey.Length).Select(i => Samples(i, g.Key))], g.PerSecond))];
    }
}
