using System.Text.Json;
using System.Xml.Linq;

namespace LeakHound.Cli.Tests;

/// <summary>
/// Baseline against candidate on real Node services: the leaky build of a service against its fixed build under the
/// same load is a regression with the excess rate; two runs of the same (leaky) build are no difference, though both
/// grow — with <c>compare</c> on recorded traces and with <c>soak --baseline</c> side by side.
/// </summary>
public sealed class CompareTests
{
    /// <summary>
    /// The request log kept whole (leak) or bounded to 100 entries (fixed), 4 KB kept per request at 50/s: about 13 MiB a
    /// minute. With --expose-gc it collects every second, so its RSS shows what it keeps rather than V8's uncollected
    /// garbage, which takes minutes to settle.
    /// </summary>
    private static string[] Service(int port, string mode) => ["node", "--expose-gc", CliRunner.Fixture("node/request-log.js"), port.ToString(), mode, "200", "100", "4000"];

    /// <summary>The same, as one command line for soak, the port left as {port}.</summary>
    private static string SoakCommand(string mode) => $"node --expose-gc \"{CliRunner.Fixture("node/request-log.js")}\" {{port}} {mode} 200 100 4000";

    /// <summary>Records 70 s of one build under its own load into a trace.</summary>
    private static async Task<string> RecordAsync(string mode)
    {
        int port = Repo.FreePort();
        string trace = Path.Combine(Path.GetTempPath(), $"leakhound-compare-{mode}-{Guid.NewGuid():N}.csv");
        using System.Diagnostics.Process load = System.Diagnostics.Process.Start("node", [CliRunner.Fixture("node/load.js"), $"http://127.0.0.1:{port}/order", "50", "0", "80"])!;
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["run", "--duration", "70s", "--out", trace, "--no-store", "--", .. Service(port, mode)], 120);
            Assert.True(File.Exists(trace), r.ToString());
            return trace;
        }
        finally
        {
            load.Kill();
        }
    }

    /// <summary>The start-up left out; growth under 5% of the level a minute is no difference (a minute resolves about ±1 MiB/min here).</summary>
    private static readonly string[] Judging = ["--series", "rss", "--min-span", "30s", "--negligible", "5%/min", "--skip", "10s"];

    [Fact]
    public async Task Compare_LeakyBuildAgainstFixedBuild_IsARegression_TwoRunsOfTheSameBuildAreNoDifference()
    {
        string[] traces = await Task.WhenAll(RecordAsync("fixed"), RecordAsync("leak"), RecordAsync("leak"));
        string junit = Path.Combine(Path.GetTempPath(), $"leakhound-junit-{Guid.NewGuid():N}.xml");

        ProcessResult regression = await CliRunner.RunAsync(["compare", traces[0], traces[1], .. Judging, "--format", "json", "--junit", junit]);
        // Two runs of one build on a loaded 2-core machine differ by up to 15% of their rate (+250 vs +290 KB/s seen in
        // CI, ~2.4 MiB/min here): "no difference" can only be claimed against a negligible growth above that spread.
        ProcessResult same = await CliRunner.RunAsync(["compare", traces[1], traces[2], .. Judging.Select(a => a == "5%/min" ? "10%/min" : a), "--format", "json"]);

        Assert.True(regression.ExitCode == 1, regression.ToString());
        JsonElement rss = Comparison(regression.Stdout, "rss");
        Assert.Equal("regression", rss.GetProperty("verdict").GetString());
        Assert.True(rss.GetProperty("excess_ci95")[0].GetDouble() > 0, regression.Stdout);
        Assert.Equal("regression", (string?)XDocument.Load(junit).Descendants("failure").Single().Attribute("type"));
        Assert.True(same.ExitCode == 0, same.ToString());
        Assert.Equal("no difference", Comparison(same.Stdout, "rss").GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task SoakBaseline_SideBySide_FailsTheLeakyCandidate_WithItsExcessRate()
    {
        ProcessResult r = await CliRunner.RunAsync(["soak", "--target", SoakCommand("leak"), "--baseline", SoakCommand("fixed"),
            "--ready-after", "1s", "--load", "GET", "http://127.0.0.1:{port}/order", "--rate", "50/s", "--duration", "70s",
            "--min-span", "30s", "--negligible", "5%/min", "--format", "json", "--no-store"], 150);

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonElement rss = Comparison(r.Stdout, "rss");
        Assert.Equal("regression", rss.GetProperty("verdict").GetString());
        Assert.True(rss.GetProperty("candidate").GetProperty("rate").GetDouble() > rss.GetProperty("base").GetProperty("rate").GetDouble(), r.Stdout);
        Assert.Equal(2, JsonVerdicts.Parse(r.Stdout).Root.GetProperty("targets").GetArrayLength());
    }

    [Theory]
    [InlineData("watch:x", "watch:ID")]
    [InlineData("/no/such/trace.csv", "no such file")]
    public async Task BadInput_IsOneLine_ExitTwo(string source, string expected)
    {
        string trace = CliRunner.TempFile("t_seconds,series,value\n0,rss,1\n1,rss,2\n");
        ProcessResult r = await CliRunner.RunAsync("compare", trace, source);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    private static JsonElement Comparison(string stdout, string series) =>
        JsonVerdicts.Parse(stdout).Root.GetProperty("comparisons").EnumerateArray().Single(c => c.GetProperty("series").GetString() == series);
}
