using System.Text.RegularExpressions;

namespace LeakHound.Reporting.Tests;

/// <summary>The HTML file stands alone: everything inlined, nothing fetched, data that cannot break out of its script.</summary>
public sealed class HtmlReportTests
{
    private static ReportDocument Doc(string name) => new("LeakHound report", "test.csv", DateTimeOffset.UnixEpoch, 300,
    [
        new SeriesReport(name, "bytes",
            new Core.Verdicts.SeriesVerdict { Series = name, Target = "target", Verdict = Core.Verdicts.Verdict.Leak, Reason = "rises", SlopePerSecond = 1, Confidence = 1, DetectedAtSeconds = 10 },
            [0, 1, 2], [1, 2, 3], [0, 2], [1, 3], [0, 2], [1, 3], [0.5, 2.5], [1.5, 3.5]),
    ]);

    [Fact]
    public void Report_InlinesTheChartLibrary_AndReferencesNothingOutside()
    {
        string html = HtmlReport.Render(Doc("rss"));

        Assert.Contains("uPlot", html);
        Assert.True(html.Length > 40_000, "the chart library is inlined");
        Assert.DoesNotMatch(new Regex(@"<(script|link|img)[^>]+(src|href)=", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("/*REPORT_DATA*/", html);
        Assert.Contains("\"verdict\":\"leak\"", html);
    }

    [Fact]
    public void SeriesNames_CannotCloseTheDataScript()
    {
        string html = HtmlReport.Render(Doc("evil</script><script>alert(1)</script>"));

        Assert.DoesNotContain("evil</script>", html);
        Assert.Contains("evil\\u003C/script\\u003E", html); // JSON-escaped, read back intact by JSON.parse
    }

    [Fact]
    public void Write_ReplacesTheFileWhole()
    {
        string path = Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");
        File.WriteAllText(path, "old");
        try
        {
            HtmlReport.Write(Doc("rss"), path);
            Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(path));
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
