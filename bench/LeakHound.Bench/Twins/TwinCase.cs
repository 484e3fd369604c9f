using LeakHound.Testing.Tests.Incidents;

namespace LeakHound.Bench.Twins;

/// <summary>One incident twin, leaky or fixed: how to build it, run one iteration and clean up, and its subject signal.</summary>
internal sealed record TwinCase(string Incident, string Signal, int Warmup, Func<bool, TwinInstance> Create)
{
    public static IReadOnlyList<TwinCase> All(string scratchFile) =>
    [
        new("wav-broadcaster (unconsumed buffer)", "managed heap after full GC", 50, leaky =>
        {
            WavBroadcaster b = new(fixedVersion: !leaky);
            return new TwinInstance(() => b.OnChunk(new byte[4096]), () => { });
        }),
        new("media-route (streams never destroyed)", "open file descriptors", 50, leaky =>
        {
            MediaRoute route = new(scratchFile, fixedVersion: !leaky);
            return new TwinInstance(route.ServeAbortedRequest, MediaRoute.CloseAll);
        }),
        new("reconnect (handler per reconnect)", "threads", 70, leaky =>
        {
            Publisher p = new(fixedVersion: !leaky);
            return new TwinInstance(p.Reconnect, () => Publisher.StopAll(p));
        }),
        new("encoder job cache (never cleaned)", "managed heap after full GC", 50, leaky =>
        {
            ManualClock clock = new();
            JobCache cache = new(fixedVersion: !leaky, clock);
            return new TwinInstance(() => { cache.Complete(); clock.Advance(TimeSpan.FromSeconds(30)); }, () => { });
        }),
        new("message-queue contact cache (unbounded Map)", "managed heap after full GC", 50, leaky =>
        {
            ManualClock clock = new();
            ContactCache cache = new(fixedVersion: !leaky, clock);
            return new TwinInstance(() => { for (int i = 0; i < 20; i++) { cache.Lookup(); } clock.Advance(TimeSpan.FromSeconds(10)); }, () => { });
        }),
    ];
}

internal sealed record TwinInstance(Action Iteration, Action CleanUp);
