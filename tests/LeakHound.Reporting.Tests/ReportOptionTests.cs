namespace LeakHound.Reporting.Tests;

/// <summary><c>--report</c> on analyze and on a live run; failures that must not lose the verdicts.</summary>
public sealed class ReportOptionTests
{
    private static string TempHtml() => Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");

    [Fact]
    public async Task Analyze_WithReport_WritesTheReportAndStillPrintsVerdicts()
    {
        string html = TempHtml();
        ProcessResult r = await Programs.LeakhoundAsync("analyze", Path.Combine(Repo.Root, "bench", "corpus", "recorded", "leak-thread-per-reconnect.csv"), "--report", html, "--format", "json");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("\"verdict\": \"leak\"", r.Stdout);
        Assert.Contains("\"name\":\"threads\"", File.ReadAllText(html));
    }

    [Fact]
    public async Task Run_WithReport_WritesTheReportFromItsOwnTrace_AndLeavesNoTemporaryTrace()
    {
        string html = TempHtml();
        int before = Directory.GetFiles(Path.GetTempPath(), "leakhound-*.csv").Length;
        ProcessResult r = await Programs.LeakhoundAsync("run", "--interval", "0.1s", "--duration", "2s", "--format", "json", "--report", html, "--", "sleep", "10");

        Assert.True(r.ExitCode == 0, r.ToString());
        string text = File.ReadAllText(html);
        Assert.Contains("\"name\":\"rss\"", text);
        Assert.Contains("\"name\":\"fds\"", text);
        Assert.Contains("\"source\":\"run sleep", text);
        Assert.True(Directory.GetFiles(Path.GetTempPath(), "leakhound-*.csv").Length <= before);
    }

    [Fact]
    public async Task UnwritableReport_IsAClearError_AndTheVerdictsStillPrint()
    {
        ProcessResult r = await Programs.LeakhoundAsync("run", "--interval", "0.1s", "--duration", "1s", "--format", "json", "--report", "/proc/no/such/dir/r.html", "--", "sleep", "5");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"verdicts\"", r.Stdout);
        Assert.Contains("no report: --report/-o: cannot write '/proc/no/such/dir/r.html'", r.Stderr);
    }

    [Fact]
    public async Task ReportCommand_BadTrace_ExitsTwoWithTheLine()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"leakhound-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(trace, "t_seconds,series,value\n1,rss,12\n2,rss,twelve\n");

        ProcessResult r = await Programs.LeakhoundAsync("report", trace, "-o", TempHtml());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 3", r.Stderr);
    }

    [Fact]
    public async Task Png_WritesOneChartPerSignal()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"leakhound-png-{Guid.NewGuid():N}");
        string trace = Path.Combine(Repo.Root, "bench", "corpus", "recorded", "leak-broadcaster.csv");
        ProcessResult r = await Programs.LeakhoundAsync("report", trace, "--png", dir);

        Assert.True(r.ExitCode == 1, r.ToString());
        string[] files = Directory.GetFiles(dir, "*.png").Select(Path.GetFileName).Order().ToArray()!;
        Assert.Equal(Core.Traces.TraceReader.Read(new StreamReader(trace)).SeriesNames.Order().Select(s => s + ".png"), files);
        byte[] png = await File.ReadAllBytesAsync(Path.Combine(dir, "rss.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.True(png.Length > 10_000, $"{png.Length} bytes");
        // width and height from the IHDR chunk
        Assert.Equal(PngCharts.Width, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        Assert.Equal(PngCharts.Height, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
    }

    [Fact]
    public void FileNames_AreSafe_ForPerProcessSeries() =>
        Assert.Equal("rss_pid_42_comm_node", PngCharts.FileName("rss{pid=\"42\",comm=\"node\"}"));
}
