using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Node.Tests;

/// <summary>
/// The Node twins of the incidents (tests/fixtures/node/twins), explained by PID through their inspector: each leaky
/// twin's growing allocation site is a function of its own that allocates what it keeps; each fixed twin shows
/// nothing above noise — in the sampled allocation sites and in the heap snapshots. One class per incident, so that
/// the incidents run side by side.
/// </summary>
/// <param name="incident">The twins' file name prefix.</param>
/// <param name="holder">The leaky twin's module-level variable that holds what it keeps: the heap snapshots' retainer path must pass through it.</param>
public abstract class TwinExplanationTests(string incident, string holder)
{
    private const double Window = 8;

    [Fact]
    public async Task TheLeakyTwin_NamesTheFunctionThatAllocatesWhatItKeeps()
    {
        string script = $"twins/{incident}-leaky.js";
        NodeExplanation e = await ExplainAsync(script);

        Assert.True(e.AnyGrowth, $"nothing grows in {script}: {Describe(e)}");
        AllocationGrowth top = e.Growing[0];
        Assert.EndsWith($"{incident}-leaky.js", top.Site.Site.File, StringComparison.Ordinal);
        Assert.Contains(top.Site.Site.Line, NodeProgram.MarkedLines(script, "// KEEPS"));
        Assert.True(top.BytesPerSecond > 0 && top.Bytes.Zip(top.Bytes.Skip(1)).All(p => p.Second > p.First), Describe(e));
        Assert.True(e.InspectorClosed, "the inspector opened for the explanation is still open");

        // The heap snapshots name what grows and who holds it, through the module's variable.
        Assert.Null(e.SnapshotsRefused);
        Assert.Equal(3, e.Snapshots.Count);
        Assert.All(e.Snapshots, s => Assert.True(s.PauseSeconds > 0 && s.Nodes > 1000));
        IEnumerable<IReadOnlyList<string>> paths = e.Classes.Select(c => c.RetainerPath).Concat(e.Collections.Select(c => c.RetainerPath));
        Assert.Contains(paths, p => p.Any(step => step.EndsWith($" .{holder}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TheFixedTwin_ShowsNothingGrowing()
    {
        NodeExplanation e = await ExplainAsync($"twins/{incident}-fixed.js");

        Assert.False(e.AnyGrowth, Describe(e));
        Assert.Equal(3, e.Profiles.Count);
        Assert.Equal(3, e.Snapshots.Count);
    }

    private static async Task<NodeExplanation> ExplainAsync(string script)
    {
        // --inspect-port=0 only so that the incidents' classes do not contend for 9229; SIGUSR1 opens it as for any process.
        using NodeProgram program = await NodeProgram.StartAsync(script, ["--inspect-port=0"], "90");
        // Past start-up, as a service under load would be: its hot functions optimized (and inlined) by now.
        await Task.Delay(TimeSpan.FromSeconds(5));
        InspectorSession session = await NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(10), CancellationToken.None);
        await using (session)
        {
            Assert.True(session.OpenedByUs);
            NodeExplanation explanation = await NodeExplainer.RunAsync(session, Window, 3, 10, _ => { }, CancellationToken.None, heapSnapshots: true);
            await session.CloseAsync();
            return explanation with { InspectorClosed = !ListeningPorts.Of(program.Pid).Contains(session.Port) };
        }
    }

    private static string Describe(NodeExplanation e) =>
        string.Join("; ", e.Growing.Select(g => $"{g.Site.Site} {string.Join("→", g.Bytes)} ({string.Join("→", g.Samples)} samples)"))
        + $" | heap {string.Join("→", e.Profiles.Select(p => p.Memory.HeapUsed >> 10))} KiB"
        + $" | snapshots: {string.Join("; ", e.Classes.Select(c => $"{c.Class} {string.Join("→", c.Counts)}"))} {string.Join("; ", e.Collections.Select(c => $"{c.Kind} {string.Join("→", c.Entries)}"))}";
}

public sealed class WavBroadcasterTwinTests() : TwinExplanationTests("wav-broadcaster", "wavBroadcaster");

public sealed class MediaRouteTwinTests() : TwinExplanationTests("media-route", "activeStreams");

public sealed class JobCacheTwinTests() : TwinExplanationTests("job-cache", "encoder");

public sealed class ContactCacheTwinTests() : TwinExplanationTests("contact-cache", "service");
