namespace LeakHound.Cli.Tests;

/// <summary><c>--metrics-url</c> against a real Node service exposing Prometheus metrics on 127.0.0.1.</summary>
public sealed class MetricsScrapeTests
{
    private static string[] Watch(int port, string mode, params string[] extra) =>
        ["run", .. RunFixtures.Fast, "--metrics-url", $"http://127.0.0.1:{port}/metrics", .. extra, "--",
         "node", CliRunner.Fixture("node/metrics-server.js"), port.ToString(), mode, "200", "60"];

    [Fact]
    public async Task HandlerPerReconnect_GaugeIsLeak_FixedTwinIsNot()
    {
        int port = Repo.FreePort();
        ProcessResult leak = await CliRunner.RunAsync(Watch(port, "leak"));
        ProcessResult fixedTwin = await CliRunner.RunAsync(Watch(Repo.FreePort(), "fixed"));

        Assert.True(leak.ExitCode == 1, leak.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(leak.Stdout);
        Assert.Equal("leak", json.Verdict("go_goroutines"));
        Assert.InRange(json.Series("go_goroutines").GetProperty("slope_per_second").GetDouble(), 4, 6); // one per 200 ms
        Assert.Equal("count", json.Series("go_goroutines").GetProperty("unit").GetString());
        Assert.Equal("bytes", json.Series("nodejs_external_memory_bytes").GetProperty("unit").GetString());
        Assert.Contains(json.Root.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("series").GetString() == "rate(reconnects_total)");
        Assert.Contains(json.Root.GetProperty("verdicts").EnumerateArray(), v => v.GetProperty("series").GetString()!.StartsWith("build_info{path=\"C:\\\\srv\\nnext\"", StringComparison.Ordinal));

        Assert.NotEqual("leak", JsonVerdicts.Parse(fixedTwin.Stdout).Verdict("go_goroutines"));
    }

    [Fact]
    public async Task MetricPattern_NarrowsSeries()
    {
        ProcessResult r = await CliRunner.RunAsync(Watch(Repo.FreePort(), "leak", "--metric", "go_*"));

        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        string[] series = json.Root.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("series").GetString()!).ToArray();
        Assert.Contains("go_goroutines", series);
        Assert.DoesNotContain("nodejs_external_memory_bytes", series);
        Assert.Contains("rss", series); // /proc signals are not filtered
    }

    [Fact]
    public async Task MalformedPageForAWhile_ReportedOnce_WatchGoesOn()
    {
        ProcessResult r = await CliRunner.RunAsync(Watch(Repo.FreePort(), "malformed"));

        Assert.True(r.ExitCode == 1, r.ToString());
        string[] notices = r.Stderr.Split('\n').Where(l => l.StartsWith("leakhound:", StringComparison.Ordinal)).ToArray();
        // One episode for the malformed seconds (and maybe one at start-up, before Node listens): each reported once, each recovery once.
        Assert.Single(notices, n => n.Contains("malformed page"));
        Assert.Equal(notices.Count(n => n.Contains("scrape failed")), notices.Count(n => n.Contains("works again")));
        Assert.InRange(notices.Length, 2, 4);
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("leak", json.Verdict("go_goroutines"));
        Assert.True(json.Series("rss").GetProperty("samples").GetInt32() > json.Series("go_goroutines").GetProperty("samples").GetInt32());
    }

    [Fact]
    public async Task RefusedEndpoint_OneNotice_ProcSignalsStillJudged()
    {
        int closed = Repo.FreePort();
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--duration", "2s", "--format", "json",
            "--metrics-url", $"http://127.0.0.1:{closed}/metrics", "--", "sleep", "10");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(r.Stderr.Split('\n'), l => l.Contains("scrape failed"));
        Assert.True(JsonVerdicts.Parse(r.Stdout).Series("rss").GetProperty("samples").GetInt32() >= 10);
    }

    [Fact]
    public async Task BadMetricsUrl_IsUsageError()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--metrics-url", "ftp://x/metrics", "--", "sleep", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--metrics-url", r.Stderr);
    }
}
