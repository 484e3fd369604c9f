using System.Diagnostics;
using System.Text.Json;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Tests;

/// <summary>
/// <c>explain --pid</c> of real Node.js processes through their inspector (opened by SIGUSR1, closed again): the
/// incidents' leaky twins are named by the function that allocates what they keep, their fixed twins show nothing,
/// every failure is one line and exit 3; <c>run --node-inspector --explain-on-leak -- node …</c> puts the explanation
/// in the watch's JSON.
/// </summary>
public sealed class ExplainNodeTests
{
    private static async Task<Process> StartNodeAsync(string script, params string[] nodeFlags)
    {
        Process node = Process.Start(new ProcessStartInfo("node", [.. nodeFlags, CliRunner.Fixture($"node/{script}"), "60"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        node.ErrorDataReceived += (_, _) => { };
        node.BeginErrorReadLine();
        string? ready = await node.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.StartsWith("ready", ready);
        return node;
    }

    private static void Stop(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill();
        }

        p.WaitForExit();
        p.Dispose();
    }

    private static int[] Keeps(string script) =>
        [.. File.ReadAllLines(CliRunner.Fixture($"node/{script}")).Select((l, i) => (l, i)).Where(x => x.l.Contains("// KEEPS", StringComparison.Ordinal)).Select(x => x.i + 1)];

    [Fact]
    public async Task TheContactCacheLeak_IsNamedByItsFunction_AndItsMap_InTheDocumentedShape_AndTheInspectorIsClosedAgain()
    {
        // --inspect-port=0 only to keep off 9229, which another test class may be using; the signal opens it as for any process.
        Process node = await StartNodeAsync("twins/contact-cache-leaky.js", "--inspect-port=0");
        try
        {
            await Task.Delay(3000);
            ProcessResult r = await CliRunner.RunAsync(["explain", "--pid", node.Id.ToString(), "--for", "6s", "--snapshots", "3", "--heap-snapshots", "--format", "json"], 90);

            Assert.True(r.ExitCode == 1, r.ToString());
            JsonElement root = JsonVerdicts.Parse(r.Stdout).Root;
            // The snapshots: the contact Map grows, held through the module's service and its cache.
            JsonElement map = root.GetProperty("growing").EnumerateArray().First(g => g.GetProperty("kind").GetString() == "collection");
            Assert.Equal("Map", map.GetProperty("what").GetString());
            Assert.Contains(map.GetProperty("retainer_path").EnumerateArray(), step => step.GetString()!.EndsWith("WhatsAppService .contactCache", StringComparison.Ordinal));
            Assert.Equal(3, root.GetProperty("heap_snapshots").GetArrayLength());
            Assert.Equal("node", root.GetProperty("runtime").GetString());
            Assert.Equal(3, root.GetProperty("memory").GetArrayLength());
            JsonElement top = root.GetProperty("heap_growing")[0];
            string where = top.GetProperty("where").GetString()!;
            Assert.EndsWith("contact-cache-leaky.js:" + where.Split(':')[^1], where);
            Assert.Contains(int.Parse(where.Split(':')[^1]), Keeps("twins/contact-cache-leaky.js"));
            Assert.True(top.GetProperty("bytes_per_second").GetDouble() > 10_000, top.ToString()); // ~400 B per contact, 1000 a second
            Assert.True(root.GetProperty("inspector").GetProperty("closed").GetBoolean());
            Assert.Empty(ListeningPorts.Of(node.Id));
            Assert.Contains("opened the inspector of PID", r.Stderr);
        }
        finally
        {
            Stop(node);
        }
    }

    [Fact]
    public async Task TheFixedTwin_ShowsNothing_Exit0()
    {
        Process node = await StartNodeAsync("twins/contact-cache-fixed.js", "--inspect-port=0");
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["explain", "--pid", node.Id.ToString(), "--for", "6s", "--snapshots", "3"], 90);

            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Contains("no allocation site's live memory grew", r.Stdout);
            Assert.Contains("JS heap used", r.Stdout);
        }
        finally
        {
            Stop(node);
        }
    }

    [Fact]
    public async Task ANodeThatOpensNoInspector_OrIsNoNode_IsOneLine_Exit3()
    {
        Process handler = await StartNodeAsync("sigusr1-handler.js");
        string fakeDir = Directory.CreateTempSubdirectory("leakhound-fake-node-").FullName;
        string fake = Path.Combine(fakeDir, "node");
        File.Copy("/bin/sleep", fake); // keeps its mode: executable
        using Process notNode = Process.Start(new ProcessStartInfo(fake, "30") { UseShellExecute = false })!;
        try
        {
            (string Pid, string Message)[] cases =
            [
                (handler.Id.ToString(), "handles SIGUSR1 itself"),
                // Named node but with no SIGUSR1 handler: the signal would end it, so it is not sent.
                (notNode.Id.ToString(), "does not catch SIGUSR1"),
            ];
            foreach ((string pid, string message) in cases)
            {
                ProcessResult r = await CliRunner.RunAsync(["explain", "--pid", pid, "--for", "1s", "--snapshots", "2"], 60);

                Assert.True(r.ExitCode == 3, r.ToString());
                Assert.Contains(message, Assert.Single(r.Stderr.Trim().Split('\n')));
            }

            Assert.False(notNode.HasExited, "SIGUSR1 was sent to a process without a handler");
        }
        finally
        {
            Stop(handler);
            notNode.Kill();
            Directory.Delete(fakeDir, recursive: true);
        }
    }

    /// <summary>The issue's own example: a Node service launched plainly, its leak explained when the watch finds it.</summary>
    [Fact]
    public async Task RunExplainOnLeak_OfAPlainNode_PutsTheGrowingSiteInTheResult()
    {
        ProcessResult r = await CliRunner.RunAsync(["run", "--node-inspector", "--explain-on-leak", "--interval", "0.5s", "--min-span", "8s",
            "--duration", "60s", "--until-verdict", "--format", "json", "--no-store", "--", "node", CliRunner.Fixture("node/twins/job-cache-leaky.js"), "55"], 120);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("opened its Node inspector on 127.0.0.1:", r.Stderr);
        Assert.Contains("sampling its heap allocations through its inspector", r.Stderr);
        JsonVerdicts doc = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("verdict", doc.Root.GetProperty("stopped_because").GetString());
        // The inspector's gauges are judged with the rest (the watch stops at the first leak: the heap may not be decided yet).
        Assert.Contains(doc.Series("nodejs_heap_size_used_bytes").GetProperty("verdict").GetString(), new[] { "leak", "insufficient" });
        Assert.True(doc.Series("nodejs_external_memory_bytes").GetProperty("samples").GetInt32() > 10);
        JsonElement explanation = doc.Root.GetProperty("targets")[0].GetProperty("node_explanation");
        string where = explanation.GetProperty("heap_growing")[0].GetProperty("where").GetString()!;
        Assert.Contains("job-cache-leaky.js:", where);
        Assert.Contains(int.Parse(where.Split(':')[^1]), Keeps("twins/job-cache-leaky.js"));
        Assert.True(explanation.GetProperty("started_at_seconds").GetDouble() > 0);
    }

    /// <summary>Heap snapshots on a leak, when asked: the growing Map and the module variable that holds it, in the run's result.</summary>
    [Fact]
    public async Task RunExplainOnLeak_WithHeapSnapshots_NamesTheGrowingMapAndWhatHoldsIt()
    {
        ProcessResult r = await CliRunner.RunAsync(["run", "--node-inspector", "--explain-on-leak", "--heap-snapshots", "--interval", "0.5s", "--min-span", "8s",
            "--duration", "70s", "--until-verdict", "--format", "json", "--no-store", "--", "node", "--inspect-port=0", CliRunner.Fixture("node/twins/contact-cache-leaky.js"), "65"], 150);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("3 profiles and heap snapshots over", r.Stderr);
        JsonElement explanation = JsonVerdicts.Parse(r.Stdout).Root.GetProperty("targets")[0].GetProperty("node_explanation");
        Assert.Equal(3, explanation.GetProperty("heap_snapshots").GetArrayLength());
        JsonElement map = explanation.GetProperty("growing").EnumerateArray().First(g => g.GetProperty("kind").GetString() == "collection");
        Assert.Equal("Map", map.GetProperty("what").GetString());
        Assert.Contains(map.GetProperty("retainer_path").EnumerateArray(), step => step.GetString()!.EndsWith("WhatsAppService .contactCache", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--explain-on-leak")]
    [InlineData("--node-inspector")]
    public async Task HeapSnapshots_WithoutAnInspectorAndAnExplanation_IsRefusedInOneLine(string only)
    {
        ProcessResult r = await CliRunner.RunAsync(["run", only, "--heap-snapshots", "--duration", "1s", "--no-store", "--", "sleep", "5"], 30);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("--heap-snapshots is taken through a Node.js target's inspector", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task WatchWithNodeInspector_ReadsItsGauges_AndClosesTheInspectorWhenItEnds()
    {
        Process node = await StartNodeAsync("twins/contact-cache-fixed.js");
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["watch", "--pid", node.Id.ToString(), "--node-inspector", "--interval", "0.5s", "--duration", "4s",
                "--format", "json", "--no-store"], 60);

            Assert.True(r.ExitCode is 0 or 1, r.ToString());
            JsonVerdicts doc = JsonVerdicts.Parse(r.Stdout);
            foreach (string gauge in new[] { "nodejs_heap_size_used_bytes", "nodejs_heap_size_total_bytes", "nodejs_external_memory_bytes", "nodejs_array_buffers_bytes" })
            {
                Assert.True(doc.Series(gauge).GetProperty("samples").GetInt32() >= 3, gauge);
            }

            Assert.Empty(ListeningPorts.Of(node.Id)); // the inspector it opened is closed again
            Assert.False(node.HasExited);
        }
        finally
        {
            Stop(node);
        }
    }
}
