namespace LeakHound.Cli.Tests;

/// <summary><c>leakhound run</c> on real Node programs shaped like the incidents, and their fixed twins.</summary>
public sealed class RunNodeFixtureTests
{
    [Fact]
    public async Task UnconsumedStream_IsMemoryLeak()
    {
        ProcessResult r = await CliRunner.RunAsync(RunFixtures.Node("stream-leak.js", "50", "65536", "60"));

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("leak", json.Verdict("rss"));
        Assert.InRange(json.Series("rss").GetProperty("slope_per_second").GetDouble(), 0.3e6, 3e6); // ≈1.3 MB/s written
        Assert.True(json.Series("rss").GetProperty("detected_at_seconds").GetDouble() >= 6);
        Assert.NotEqual("leak", json.Verdict("fds"));
    }

    [Fact]
    public async Task FixedStream_IsNotLeak()
    {
        ProcessResult r = await CliRunner.RunAsync(RunFixtures.Healthy(RunFixtures.Node("stream-fixed.js", "50", "65536", "60")));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.NotEqual("leak", JsonVerdicts.Parse(r.Stdout).Verdict("rss"));
    }

    [Fact]
    public async Task UnclosedFiles_IsFdLeak_AndFixedTwinIsNot()
    {
        ProcessResult leak = await CliRunner.RunAsync(RunFixtures.Node("fd-leak.js", "100", "60", "0"));
        ProcessResult fixedTwin = await CliRunner.RunAsync(RunFixtures.Healthy(RunFixtures.Node("fd-leak.js", "100", "60", "1")));

        Assert.True(leak.ExitCode == 1, leak.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(leak.Stdout);
        Assert.Equal("leak", json.Verdict("fds"));
        Assert.InRange(json.Series("fds").GetProperty("slope_per_second").GetDouble(), 7, 12); // one per 100 ms
        // Only the descriptors are the subject here: a young Node process may still be warming its heap.
        Assert.NotEqual("leak", JsonVerdicts.Parse(fixedTwin.Stdout).Verdict("fds"));
    }

    [Fact]
    public async Task WorkerPerReconnect_IsThreadLeak_AndFixedTwinIsNot()
    {
        ProcessResult leak = await CliRunner.RunAsync(RunFixtures.Node("thread-leak.js", "300", "60", "0"));
        ProcessResult fixedTwin = await CliRunner.RunAsync(RunFixtures.Healthy(RunFixtures.Node("thread-leak.js", "300", "60", "1")));

        Assert.True(leak.ExitCode == 1, leak.ToString());
        Assert.Equal("leak", JsonVerdicts.Parse(leak.Stdout).Verdict("threads"));
        Assert.NotEqual("leak", JsonVerdicts.Parse(fixedTwin.Stdout).Verdict("threads"));
    }

    [Fact]
    public async Task BoundedCache_IsNotLeak()
    {
        // 40 entries of 256 KiB filled in 2 s, well inside the minimum span.
        ProcessResult r = await CliRunner.RunAsync(RunFixtures.Healthy(RunFixtures.Node("plateau.js", "50", "40", "262144", "60")));

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.NotEqual("leak", JsonVerdicts.Parse(r.Stdout).Verdict("rss"));
    }
}
