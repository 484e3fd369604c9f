using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Node.Tests;

/// <summary>The tests that open an inspector on Node's default port 9229: one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class DefaultInspectorPort
{
    public const string Name = "Node inspector on 9229";
}

/// <summary>Attaching to real Node.js processes started with no flag: the inspector opens, serves, and is closed again; every failure is one line.</summary>
[Collection(DefaultInspectorPort.Name)]
public sealed class NodeInspectorTests
{
    [Fact]
    public async Task APlainNodeProcess_IsAttachedBySignal_ItsMemoryRead_AndTheInspectorClosedAgain_TwiceOver()
    {
        AssertDefaultPortFree();
        using NodeProgram program = await NodeProgram.StartAsync("twins/job-cache-leaky.js", null, "60");

        for (int round = 1; round <= 2; round++)
        {
            InspectorSession session = await NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(10), CancellationToken.None);
            Assert.True(session.OpenedByUs);
            Assert.Equal(NodeInspector.DefaultPort, session.Port);
            Assert.Contains(session.Port, ListeningPorts.Of(program.Pid));

            NodeMemory memory = await NodeMemory.ReadAsync(session, CancellationToken.None);
            Assert.InRange(memory.HeapUsed, 1 << 20, memory.HeapTotal);
            Assert.True(memory.Rss > memory.HeapTotal, $"rss {memory.Rss} ≤ heap {memory.HeapTotal}");
            Assert.True(memory.External > 0);

            await session.CloseAsync();
            Assert.DoesNotContain(NodeInspector.DefaultPort, ListeningPorts.Of(program.Pid));
            Assert.Equal(round, CountOf(program.Stderr, "Debugger listening on ws://127.0.0.1:9229/"));
        }
    }

    [Fact]
    public async Task AnInspectorAlreadyOpen_IsUsed_AndLeftOpen()
    {
        using NodeProgram program = await NodeProgram.StartAsync("twins/contact-cache-fixed.js", ["--inspect=127.0.0.1:0"], "60");
        int port = Assert.Single(ListeningPorts.Of(program.Pid));

        InspectorSession session = await NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(session.OpenedByUs);
        Assert.Equal(port, session.Port);
        await session.CloseAsync();

        Assert.Contains(port, ListeningPorts.Of(program.Pid));
    }

    [Fact]
    public async Task PortTaken_SaysWhoHoldsIt()
    {
        AssertDefaultPortFree();
        using TcpListener holder = new(IPAddress.Loopback, NodeInspector.DefaultPort);
        holder.Start();
        using NodeProgram program = await NodeProgram.StartAsync("twins/job-cache-fixed.js", null, "60");

        NodeInspectorException e = await Assert.ThrowsAsync<NodeInspectorException>(() => NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(3), CancellationToken.None));

        Assert.Contains($"port 9229 is taken by PID {Environment.ProcessId}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("address already in use", program.Stderr);
    }

    [Fact]
    public async Task AProgramThatHandlesSigusr1Itself_OpensNoInspector_AndSaysSo()
    {
        AssertDefaultPortFree();
        using NodeProgram program = await NodeProgram.StartAsync("sigusr1-handler.js", null, "60");

        NodeInspectorException e = await Assert.ThrowsAsync<NodeInspectorException>(() => NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(2), CancellationToken.None));

        Assert.Contains("opened no inspector within 2s", e.Message);
        Assert.Contains("handles SIGUSR1 itself", e.Message);
    }

    /// <summary>A containerised Node (its own network namespace): its inspector would listen inside, out of reach; said before any signal.</summary>
    [Fact]
    public async Task ANodeInAnotherNetworkNamespace_IsRefused_WithWhereToRunInstead()
    {
        using NodeProgram program = await NodeProgram.StartAsync(["unshare", "-n"], "twins/job-cache-fixed.js", null, ["60"]);

        NodeInspectorException e = await Assert.ThrowsAsync<NodeInspectorException>(() => NodeInspector.AttachAsync(program.Pid, TimeSpan.FromSeconds(2), CancellationToken.None));

        Assert.Contains($"PID {program.Pid} is in another network namespace", e.Message);
        Assert.Contains($"nsenter -t {program.Pid} -n", e.Message);
        Assert.DoesNotContain("Debugger listening", program.Stderr); // no signal was sent
    }

    [Fact]
    public async Task NotANodeProcess_IsRefused_WithoutASignal()
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            NodeInspectorException e = await Assert.ThrowsAsync<NodeInspectorException>(() => NodeInspector.AttachAsync(sleep.Id, TimeSpan.FromSeconds(2), CancellationToken.None));

            Assert.Equal($"PID {sleep.Id} (sleep) is not a Node.js process", e.Message);
            Assert.False(sleep.HasExited, "a signal was sent to a process that is not Node's (SIGUSR1 ends most)");
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public async Task NoSuchProcess_IsOneLine()
    {
        NodeInspectorException e = await Assert.ThrowsAsync<NodeInspectorException>(() => NodeInspector.AttachAsync(int.MaxValue - 7, TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.StartsWith("no process with PID", e.Message);
    }

    private static int CountOf(string text, string what)
    {
        int count = 0;
        for (int i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    /// <summary>These tests need 9229 to themselves: say plainly when something else on the machine holds it.</summary>
    private static void AssertDefaultPortFree()
    {
        try
        {
            using TcpListener probe = new(IPAddress.Loopback, NodeInspector.DefaultPort);
            probe.Start();
            probe.Stop();
        }
        catch (SocketException)
        {
            Assert.Fail($"port {NodeInspector.DefaultPort} is in use on this machine (PIDs {string.Join(", ", ListeningPorts.Holders(NodeInspector.DefaultPort))}); these tests open Node's inspector there");
        }
    }
}
