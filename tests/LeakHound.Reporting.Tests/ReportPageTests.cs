using System.Text.Json;

namespace LeakHound.Reporting.Tests;

/// <summary>
/// The report as a user sees it: written by the real leakhound command from traces recorded at real pace
/// (bench/corpus/recorded), opened in real headless Chromium with no network.
/// </summary>
public sealed class ReportPageTests
{
    private static string Recorded(string name) => Path.Combine(Repo.Root, "bench", "corpus", "recorded", name);

    private static int Rows(string trace, string series) => File.ReadLines(trace).Count(l => l.Split(',') is [_, var s, _] && s == series);

    private static async Task<(ProcessResult Cli, JsonElement Page)> ReportAsync(string trace, string screenshot, params string[] options)
    {
        string html = Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");
        ProcessResult cli = await Programs.LeakhoundAsync(["report", trace, "-o", html, .. options]);
        Assert.True(File.Exists(html), cli.ToString());
        string shot = Path.Combine(Path.GetTempPath(), screenshot);
        return (cli, await Programs.RenderAsync(new Uri(html).AbsoluteUri, shot));
    }

    [Fact]
    public async Task LeakingTrace_RendersEveryChart_WithAllPoints_AndTheLeakVerdict()
    {
        string trace = Recorded("leak-broadcaster.csv");
        (ProcessResult cli, JsonElement page) = await ReportAsync(trace, "leakhound-report-leak.png");

        Assert.Equal(1, cli.ExitCode);
        JsonElement[] charts = page.GetProperty("charts").EnumerateArray().ToArray();
        Assert.Equal(Core.Traces.TraceReader.Read(new StreamReader(trace)).SeriesNames.Count, charts.Length);
        JsonElement rss = charts.Single(c => c.GetProperty("name").GetString() == "rss");
        Assert.Equal(Rows(trace, "rss"), rss.GetProperty("points").GetInt32());
        Assert.True(rss.GetProperty("floorPoints").GetInt32() > 5);
        Assert.True(rss.GetProperty("canvases").GetInt32() >= 1);
        Assert.Equal("leak", rss.GetProperty("verdict").GetString());
        Assert.Equal("leak", charts[0].GetProperty("verdict").GetString()); // leaks first
        Assert.Contains("detected at", page.GetProperty("text").GetString());
        Assert.Equal(charts.Length, page.GetProperty("summaryRows").GetInt32());
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
        Assert.All(page.GetProperty("requests").EnumerateArray(), r => Assert.StartsWith("file:", r.GetString()));
    }

    [Fact]
    public async Task HealthyTrace_RendersWithoutAnyLeakBadge()
    {
        // Nine minutes of a sample's sawtooth: its floor creeps by 9 KiB/min [4, 24], which the default negligible 1%/h of
        // its 35 MiB does not bound; 10%/h does.
        string trace = Recorded("healthy-sawtooth.csv");
        (ProcessResult cli, JsonElement page) = await ReportAsync(trace, "leakhound-report-healthy.png", "--negligible", "10%/h");

        Assert.Equal(0, cli.ExitCode);
        Assert.DoesNotContain("leak", page.GetProperty("badges").EnumerateArray().Select(b => b.GetString()));
        Assert.Contains("sawtooth", page.GetProperty("badges").EnumerateArray().Select(b => b.GetString()));
        Assert.DoesNotContain("detected at", page.GetProperty("text").GetString());
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task ResumedWatch_DrawsItsGapAndRestart_OnEveryChart()
    {
        ReportDocument doc = new("LeakHound report", "resumed watch", DateTimeOffset.UnixEpoch, 300,
        [
            new SeriesReport("rss", "bytes",
                new Core.Verdicts.SeriesVerdict { Series = "rss", Target = "t", Verdict = Core.Verdicts.Verdict.Insufficient, Reason = "since the new process" },
                [0, 1, 2, 60, 61, 62], [1, 2, 3, 4, 5, 6], [], [], [], [], [], []),
            new SeriesReport("threads", "count",
                new Core.Verdicts.SeriesVerdict { Series = "threads", Target = "t", Verdict = Core.Verdicts.Verdict.Insufficient, Reason = "few" },
                [0, 1, 2, 60, 61, 62], [3, 3, 3, 3, 3, 3], [], [], [], [], [], []),
        ]) { Marks = [new Core.Series.TimelineMark(2, "gap", 58), new Core.Series.TimelineMark(60, "restart", 0)] };
        string html = Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");
        ReportFiles.Write(doc, html, null);

        JsonElement page = await Programs.RenderAsync(new Uri(html).AbsoluteUri);

        Assert.Equal(2, page.GetProperty("marks").GetInt32());
        Assert.True(page.GetProperty("marksDrawn").GetInt32() >= 2, page.ToString()); // drawn on both charts
        Assert.Contains("time line: gap of 58s at 2.0s, new process at 1m", page.GetProperty("text").GetString());
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
    }
}
