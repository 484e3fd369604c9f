namespace LeakHound.Reporting.Tests;

/// <summary><c>--report</c> on analyze and on a live run; failures that must not lose the verdicts.</summary>
public sealed class ReportOptionTests
{
    private static string TempHtml() => Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");

    [Fact]
    public async Task Analyze_WithReport_WritesTheReportAndStillPrintsVerdicts()
    {
        string html = TempHtml();
        Programs.Result r = await Programs.LeakhoundAsync("analyze", Path.Combine(Programs.RepoRoot, "bench", "corpus", "recorded", "leak-thread-per-reconnect.csv"), "--report", html, "--format", "json");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("\"verdict\": \"leak\"", r.Stdout);
        Assert.Contains("\"name\":\"threads\"", File.ReadAllText(html));
    }

    [Fact]
    public async Task Run_WithReport_WritesTheReportFromItsOwnTrace_AndLeavesNoTemporaryTrace()
    {
        string html = TempHtml();
        int before = Directory.GetFiles(Path.GetTempPath(), "leakhound-*.csv").Length;
        Programs.Result r = await Programs.LeakhoundAsync("run", "--interval", "0.1s", "--duration", "2s", "--format", "json", "--report", html, "--", "sleep", "10");

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
        Programs.Result r = await Programs.LeakhoundAsync("run", "--interval", "0.1s", "--duration", "1s", "--format", "json", "--report", "/proc/no/such/dir/r.html", "--", "sleep", "5");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("\"verdicts\"", r.Stdout);
        Assert.Contains("no report: --report/-o: cannot write '/proc/no/such/dir/r.html'", r.Stderr);
    }

    [Fact]
    public async Task ReportCommand_BadTrace_ExitsTwoWithTheLine()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"leakhound-bad-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(trace, "t_seconds,series,value\n1,rss,12\n2,rss,twelve\n");

        Programs.Result r = await Programs.LeakhoundAsync("report", trace, "-o", TempHtml());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("line 3", r.Stderr);
    }
}
