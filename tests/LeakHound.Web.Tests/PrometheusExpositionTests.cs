namespace LeakHound.Web.Tests;

/// <summary>/metrics in the Prometheus text format, checked by the real promtool.</summary>
public sealed class PrometheusExpositionTests
{
    [Fact]
    public void Exposition_HasTheFourFamilies_WithEscapedLabels()
    {
        string text = PrometheusExposition.Write(Stores.Leaking(out _).Read());

        Assert.Contains("# TYPE leakhound_sample gauge", text);
        Assert.Contains("leakhound_sample{target=\"svc \\\"blue\\\"\\\\prod\",series=\"threads\"} 12\n", text);
        Assert.Matches(@"leakhound_slope_per_second\{target=""[^\n]*"",series=""rss""\} 1\d{6}", text);
        Assert.Contains("series=\"rss\",verdict=\"leak\"} 1\n", text);
        Assert.Contains("series=\"rss\",verdict=\"stable\"} 0\n", text);
        Assert.Contains("series=\"threads\",verdict=\"stable\"} 1\n", text);
        Assert.Matches(@"leakhound_time_to_limit_seconds\{[^}]*series=""rss""\} \d", text);
        Assert.DoesNotContain("leakhound_time_to_limit_seconds{target=\"svc \\\"blue\\\"\\\\prod\",series=\"threads\"}", text);
    }

    [Fact]
    public async Task Promtool_AcceptsTheExposition()
    {
        string file = Path.Combine(Path.GetTempPath(), $"leakhound-metrics-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, PrometheusExposition.Write(Stores.Leaking(out _).Read()));
        Assert.True(File.Exists("/usr/bin/promtool"), "promtool is missing: install Debian's prometheus package (.ci/run does)");

        ProcessResult r = await ChildProcess.RunAsync("sh", ["-c", $"promtool check metrics < '{file}'"], 60);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain("error", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }
}
