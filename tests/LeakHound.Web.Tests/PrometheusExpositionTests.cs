namespace LeakHound.Web.Tests;

/// <summary>/metrics in the Prometheus text format, checked by the real promtool.</summary>
public sealed class PrometheusExpositionTests
{
    [Fact]
    public void Exposition_IsTheSharedVocabulary_WithEscapedLabels()
    {
        string text = PrometheusExposition.Write(Stores.Leaking(out _).Read());

        // Every family of the vocabulary Hosting's meter uses too, under the names an OpenTelemetry exporter gives them.
        foreach (Core.Verdicts.VerdictMetric metric in Core.Verdicts.VerdictMetric.Gauges.Append(Core.Verdicts.VerdictMetric.Verdict))
        {
            Assert.Contains($"# TYPE {metric.PrometheusName} gauge\n", text);
        }

        Assert.Contains("leakhound_signal_value{target=\"svc \\\"blue\\\"\\\\prod\",series=\"threads\",unit=\"count\"} 12\n", text);
        Assert.Matches(@"leakhound_signal_slope_per_second\{target=""[^\n]*"",series=""rss"",unit=""bytes""\} 1\d{6}", text);
        Assert.Contains("series=\"rss\",unit=\"bytes\",verdict=\"leak\"} 1\n", text);
        Assert.Contains("series=\"rss\",unit=\"bytes\",verdict=\"stable\"} 0\n", text);
        Assert.Matches(@"series=""threads"",unit=""count"",verdict=""(stable|insufficient)""\} 1\n", text);
        Assert.Contains("leakhound_signal_leaking{target=\"svc \\\"blue\\\"\\\\prod\",series=\"rss\",unit=\"bytes\"} 1\n", text);
        Assert.Matches(@"leakhound_signal_time_to_limit_seconds\{[^}]*series=""rss""[^}]*\} \d", text);
        Assert.DoesNotContain("leakhound_signal_time_to_limit_seconds{target=\"svc \\\"blue\\\"\\\\prod\",series=\"threads\"", text);
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
