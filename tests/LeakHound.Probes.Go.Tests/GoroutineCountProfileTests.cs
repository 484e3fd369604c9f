using System.Net;
using LeakHound.Probes.Go;

namespace LeakHound.Probes.Go.Tests;

/// <summary>
/// The count profiles' text (debug=1) — the goroutine profile of any Go, and the goroutineleak profile of Go 1.26+ —
/// and the leak profile matched to the stacks of a dump.
/// </summary>
public sealed class GoroutineCountProfileTests
{
    /// <summary>The leak profile as Go 1.26 writes it: printCountProfile, runtime frames before the first user frame left out.</summary>
    private const string LeakText = """
        goroutineleak profile: total 7
        6 @ 0x43a2f6 0x4067ac 0x4063d8 0x6bf3c5 0x46b141
        #	0x6bf3c4	main.handleConfirms+0x7b	/src/reconnect/main.go:26

        1 @ 0x43a2f6 0x44a1b2 0x6c0011 0x46b141
        # labels: {"handler":"upload"}
        #	0x6c0010	main.(*uploads).wait+0x30		/src/reconnect/upload.go:12
        #	0x6c0200	main.serveUpload+0x51			/src/reconnect/upload.go:40

        """;

    /// <summary>The same program's dump (debug=2): the leaked stack, and one that waits but is not leaked.</summary>
    private const string Dump = """
        goroutine 18 [select, 2 minutes]:
        main.handleConfirms(0xc000012345)
        	/src/reconnect/main.go:26 +0x7b
        created by main.reconnect
        	/src/reconnect/main.go:39 +0x11b

        goroutine 1 [select]:
        main.main()
        	/src/reconnect/main.go:60 +0x1d6

        """;

    [Fact]
    public void TheLeakProfile_IsReadByStack_WithItsCounts()
    {
        IReadOnlyList<GoroutineStack> leaked = GoroutineCountProfile.Parse(LeakText, "goroutineleak", "leaked");

        Assert.Equal([6, 1], leaked.Select(s => s.Count));
        Assert.Equal("main.handleConfirms (main.go:26)", leaked[0].Blocked!.ToString());
        Assert.Equal(["main.(*uploads).wait", "main.serveUpload"], leaked[1].Frames.Select(f => f.Function));
        Assert.All(leaked, s => Assert.Equal("leaked", s.State));
    }

    [Fact]
    public void ADumpsStack_IsMatchedToTheLeakProfile_ByItsFramesOutsideTheRuntime()
    {
        GoroutineLeakProfile profile = new(GoroutineCountProfile.Parse(LeakText, "goroutineleak", "leaked"), null);
        IReadOnlyList<GoroutineStack> dump = GoroutineDump.Parse(Dump);

        Assert.Equal(6, profile.LeakedIn(dump.Single(s => s.Blocked!.Function == "main.handleConfirms")));
        Assert.Equal(0, profile.LeakedIn(dump.Single(s => s.Blocked!.Function == "main.main")));
        Assert.Equal(7, profile.Leaked);
        Assert.Null(new GoroutineLeakProfile(null, "not served").LeakedIn(dump[0]));
    }

    /// <summary>The goroutine profile (debug=1) of the program whose dump is <see cref="Dump"/>, with six handlers by then.</summary>
    private const string CountText = """
        goroutine profile: total 7
        6 @ 0x43a2f6 0x4067ac 0x4063d8 0x6bf3c5 0x46b141
        #	0x6bf3c4	main.handleConfirms+0x7b	/src/reconnect/main.go:26

        1 @ 0x43a2f6 0x44a1b2 0x6c0011 0x46b141
        #	0x6c0010	main.main+0x1d6		/src/reconnect/main.go:60

        """;

    [Fact]
    public void CountedStacks_TakeStateAndCreatorFromTheDump_AndKeepTheirCounts()
    {
        IReadOnlyList<GoroutineStack> counted = GoroutineCountProfile.Parse(CountText, "goroutine", GoroutineStack.UnknownState);
        GoroutineStack handler = counted.Single(s => s.Blocked!.Function == "main.handleConfirms");
        GoroutineStack unseen = new([new GoFrame("main.gone", "/src/reconnect/gone.go", 3)], null, GoroutineStack.UnknownState, 4);
        GoroutineGrowth[] growing = [new(handler, [2, 4, 6], 0.5), new(unseen, [1, 4], 1)];

        IReadOnlyList<GoroutineGrowth> detailed = GoroutineGrowthDiff.WithDetails(growing, GoroutineDump.Parse(Dump));

        Assert.Equal("select", detailed[0].Stack.State);
        Assert.Equal("main.reconnect (main.go:39)", detailed[0].Stack.CreatedBy?.ToString());
        Assert.Equal(6, detailed[0].Stack.Count); // counted, not the dump's one goroutine
        Assert.Equal([2, 4, 6], detailed[0].Counts);
        Assert.Same(growing[1], detailed[1]); // not in the dump (Go cuts it at 64 MB): as counted
        Assert.Equal(GoroutineStack.UnknownState, detailed[1].Stack.State);
    }

    [Fact]
    public void ACountedStackCutShorterThanTheDumps_IsMatchedByTheFramesItHas()
    {
        GoFrame[] deep = [.. Enumerable.Range(1, 40).Select(i => new GoFrame($"main.level{i}", "/src/deep/main.go", i))];
        GoroutineStack dumped = new(deep, new GoFrame("main.start", "/src/deep/main.go", 99), "chan receive", 1);
        GoroutineStack other = new(deep[..32].Append(new GoFrame("main.elsewhere", "/src/deep/other.go", 7)).ToArray(), null, "select", 1);
        GoroutineStack counted = new(deep[..32], null, GoroutineStack.UnknownState, 9); // the profile's 32 innermost frames

        GoroutineGrowth detailed = Assert.Single(GoroutineGrowthDiff.WithDetails([new(counted, [3, 6, 9], 1)], [dumped]));
        Assert.Equal("chan receive", detailed.Stack.State);
        Assert.Equal(40, detailed.Stack.Frames.Count);
        Assert.Equal(9, detailed.Stack.Count);

        // A stack that only shares a shorter start is not the same stack.
        GoroutineStack shallow = new(deep[..31].Append(new GoFrame("main.f", "/src/deep/f.go", 1)).ToArray(), null, GoroutineStack.UnknownState, 2);
        Assert.Equal(GoroutineStack.UnknownState, GoroutineGrowthDiff.WithDetails([new(shallow, [1, 2], 1)], [dumped, other])[0].Stack.State);
    }

    [Theory]
    [InlineData("goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n", "not the goroutineleak profile's text")]
    [InlineData("<html>404 page not found</html>", "not the goroutineleak profile's text")]
    [InlineData("goroutineleak profile: total 9\n6 @ 0x1\n#\t0x1\tmain.f+0x1\t/a.go:1\n", "says 9 goroutines but lists 6")]
    public void TextThatIsNotTheProfile_IsRefusedInOneLine(string text, string expected)
    {
        PprofException e = Assert.Throws<PprofException>(() => GoroutineCountProfile.Parse(text, "goroutineleak", "leaked"));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task TheEndpoint_ReadsAServedLeakProfile_AndSaysWhyWhenThereIsNone()
    {
        int port = FreePort();
        using HttpListener listener = new();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        Task serving = Task.Run(async () =>
        {
            // Three answers, then the listener stops: the profile, a 404 (older Go), a 500.
            foreach ((int status, string body) in new[] { (200, LeakText), (404, "Unknown profile"), (500, "boom") })
            {
                HttpListenerContext c = await listener.GetContextAsync();
                Assert.Equal("/debug/pprof/goroutineleak", c.Request.Url!.AbsolutePath);
                Assert.Equal("debug=1", c.Request.Url.Query.TrimStart('?'));
                c.Response.StatusCode = status;
                byte[] bytes = System.Text.Encoding.UTF8.GetBytes(body);
                await c.Response.OutputStream.WriteAsync(bytes);
                c.Response.Close();
            }
        });

        using PprofEndpoint endpoint = new(new Uri($"http://127.0.0.1:{port}/debug/pprof"), TimeSpan.FromSeconds(10));
        GoroutineLeakProfile served = await endpoint.LeakedGoroutinesAsync(CancellationToken.None);
        GoroutineLeakProfile absent = await endpoint.LeakedGoroutinesAsync(CancellationToken.None);
        GoroutineLeakProfile failed = await endpoint.LeakedGoroutinesAsync(CancellationToken.None);
        await serving.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(7, served.Leaked);
        Assert.Null(served.Unavailable);
        Assert.Null(absent.Stacks);
        Assert.StartsWith("not served", absent.Unavailable);
        Assert.Null(failed.Stacks);
        Assert.Contains("HTTP 500", failed.Unavailable);
    }

    private static int FreePort()
    {
        using System.Net.Sockets.TcpListener probe = new(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
