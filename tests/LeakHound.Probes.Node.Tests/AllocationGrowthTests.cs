namespace LeakHound.Probes.Node.Tests;

public sealed class AllocationGrowthTests
{
    private static readonly NodeMemory s_memory = new(0, 0, 0, 0, 0);

    private static (double T, NodeMemory Memory, IReadOnlyList<AllocationSite> Sites) At(double t, params (string Function, string Url, int Samples)[] sites) =>
        (t, s_memory, [.. sites.Select(s => new AllocationSite(new JsFrame(s.Function, s.Url, 3, 1), null, s.Samples * 4096L, s.Samples, []))]);

    [Fact]
    public void ASiteThatKeepsAdding_Grows_AtItsRate()
    {
        AllocationGrowth g = Assert.Single(NodeExplainer.Growing([
            At(0, ("cacheSet", "file:///app.js", 30), ("handler", "file:///app.js", 50)),
            At(10, ("cacheSet", "file:///app.js", 60), ("handler", "file:///app.js", 48)),
            At(20, ("cacheSet", "file:///app.js", 90), ("handler", "file:///app.js", 52))]));

        Assert.Equal("cacheSet", g.Site.Site.Function);
        Assert.Equal([30, 60, 90], g.Samples);
        Assert.Equal(60 * 4096 / 20.0, g.BytesPerSecond, 6);
    }

    [Fact]
    public void RisingInOneStepOnly_OrByLessThanTheSamplersNoise_IsNotGrowth()
    {
        Assert.Empty(NodeExplainer.Growing([
            At(0, ("filling", "file:///app.js", 10), ("jitter", "file:///app.js", 100)),
            At(10, ("filling", "file:///app.js", 40), ("jitter", "file:///app.js", 104)),
            At(20, ("filling", "file:///app.js", 40), ("jitter", "file:///app.js", 109))]));
    }

    [Fact]
    public void V8sPseudoFrames_AreNeverAGrowingSite_ButNodesInternalsAre()
    {
        IReadOnlyList<AllocationGrowth> growing = NodeExplainer.Growing([
            At(0, ("(EXTERNAL)", "", 0), ("Timeout", "node:internal/timers", 10)),
            At(10, ("(EXTERNAL)", "", 40), ("Timeout", "node:internal/timers", 40)),
            At(20, ("(EXTERNAL)", "", 80), ("Timeout", "node:internal/timers", 70))]);

        Assert.Equal(["Timeout"], growing.Select(g => g.Site.Site.Function));
    }

    [Fact]
    public void BytesThatRiseWhileTheObjectsDoNot_AreNotGrowth()
    {
        // Seen on the fixed media twin: Node's microtask loop, 0 → 10 → 10 live samples whose bytes rose 0 → 36 → 116 KB.
        (double, NodeMemory, IReadOnlyList<AllocationSite>) At(double t, int samples, long bytes) =>
            (t, s_memory, [new AllocationSite(new JsFrame("processTicksAndRejections", "node:internal/process/task_queues", 67, 1), null, bytes, samples, [])]);

        Assert.Empty(NodeExplainer.Growing([At(0, 0, 0), At(10, 10, 36_312), At(20, 10, 115_816)]));
        Assert.Single(NodeExplainer.Growing([At(0, 0, 0), At(10, 10, 36_312), At(20, 20, 115_816)]));
    }
}
