using LeakHound.Probes.Go;

namespace LeakHound.Probes.Go.Tests;

/// <summary>Go's goroutine dump (debug=2) read into stacks, and the stacks that grow between every two dumps.</summary>
public sealed class GoroutineDumpTests
{
    /// <summary>A dump as Go 1.19 writes it: two handlers in the same select, the main goroutine, pprof's own.</summary>
    private const string Go119 = """
        goroutine 1 [select]:
        main.main()
        	/src/reconnect/main.go:60 +0x1d6

        goroutine 18 [select, 2 minutes]:
        main.handleConfirms(0xc000012345)
        	/src/reconnect/main.go:26 +0x7b
        created by main.reconnect
        	/src/reconnect/main.go:39 +0x11b

        goroutine 19 [select]:
        main.handleConfirms(0xc000012399)
        	/src/reconnect/main.go:26 +0x7b
        created by main.reconnect
        	/src/reconnect/main.go:39 +0x11b

        goroutine 7 [IO wait]:
        internal/poll.runtime_pollWait(0x7f, 0x72)
        	/usr/lib/go-1.19/src/runtime/netpoll.go:305 +0x89
        net.(*netFD).accept(0xc000100000)
        	/usr/lib/go-1.19/src/net/fd_unix.go:172 +0x35
        ...additional frames elided...
        created by main.main
        	/src/reconnect/main.go:52 +0x1a5

        """;

    [Fact]
    public void Goroutines_AreGroupedByStack_WithWhereTheyWaitAndWhoStartedThem()
    {
        IReadOnlyList<GoroutineStack> stacks = GoroutineDump.Parse(Go119);

        Assert.Equal(3, stacks.Count);
        GoroutineStack handlers = stacks[0];
        Assert.Equal(2, handlers.Count);
        Assert.Equal("select", handlers.State); // the wait time is not part of the state
        Assert.Equal(new GoFrame("main.handleConfirms", "/src/reconnect/main.go", 26), handlers.Blocked);
        Assert.Equal("main.reconnect (main.go:39)", handlers.CreatedBy!.ToString());
        GoroutineStack accept = stacks.Single(s => s.State == "IO wait");
        Assert.Equal("net.(*netFD).accept", accept.Blocked!.Function); // the runtime's own frames are skipped
        Assert.Equal(2, accept.Frames.Count);
    }

    [Fact]
    public void TheNewerFormsCreatorLine_IsReadToo()
    {
        const string go121 = "goroutine 5 [chan receive]:\nmain.worker(0x1)\n\t/a/w.go:9 +0x2c\ncreated by main.start in goroutine 1\n\t/a/w.go:20 +0x4f\n";

        GoroutineStack s = Assert.Single(GoroutineDump.Parse(go121));

        Assert.Equal("main.start", s.CreatedBy!.Function);
        Assert.Equal("main.worker", s.Blocked!.Function);
    }

    [Theory]
    [InlineData("<html><body>404 page not found</body></html>")]
    [InlineData("goroutine profile: total 3\n3 @ 0x1 0x2\n#\t0x1\tmain.f+0x1\t/a.go:1\n")]
    [InlineData("")]
    public void APageThatIsNoGoroutineDump_IsRefusedInOneLine(string page)
    {
        PprofException e = Assert.Throws<PprofException>(() => GoroutineDump.Parse(page));

        Assert.StartsWith("not a Go goroutine dump", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void AStackGrows_OnlyWhenItsCountRisesBetweenEveryTwoDumps()
    {
        static IReadOnlyList<GoroutineStack> Dump(int handlers, int workers) =>
        [
            new([new GoFrame("main.handleConfirms", "/m.go", 26)], new GoFrame("main.reconnect", "/m.go", 39), "select", handlers),
            new([new GoFrame("main.worker", "/m.go", 70)], null, "chan receive", workers),
        ];

        IReadOnlyList<GoroutineGrowth> growing = GoroutineGrowthDiff.Growing([(0, Dump(10, 8)), (5, Dump(20, 12)), (10, Dump(30, 9))]);

        GoroutineGrowth g = Assert.Single(growing); // the workers rose, then fell: a pool
        Assert.Equal("main.handleConfirms", g.Stack.Blocked!.Function);
        Assert.Equal([10, 20, 30], g.Counts);
        Assert.Equal(2.0, g.PerSecond);
        Assert.Empty(GoroutineGrowthDiff.Growing([(0, Dump(10, 8))]));
    }
}
