namespace LeakHound.Reporting.Tests;

/// <summary>
/// <c>run --node-inspector --explain-on-leak --report</c> of a leaking Node service: the report, opened in headless
/// Chromium, shows what grows (the function that allocates what the job cache keeps) beside the charts.
/// </summary>
public sealed class NodeExplanationPageTests
{
    [Fact]
    public async Task TheReport_ShowsTheGrowingAllocationSite_OfTheExplainedNodeTarget()
    {
        string script = Path.Combine(Repo.Root, "tests", "fixtures", "node", "twins", "job-cache-leaky.js");
        string html = Path.Combine(Path.GetTempPath(), $"leakhound-node-report-{Guid.NewGuid():N}.html");
        ProcessResult cli = await Programs.LeakhoundAsync("run", "--node-inspector", "--explain-on-leak", "--report", html, "--interval", "0.5s", "--min-span", "8s",
            "--duration", "60s", "--until-verdict", "--no-store", "--", "node", script, "55");
        Assert.True(cli.ExitCode == 1, cli.ToString());

        System.Text.Json.JsonElement page = await Programs.RenderAsync(new Uri(html).AbsoluteUri, Path.Combine(Path.GetTempPath(), "leakhound-report-node.png"));

        string text = page.GetProperty("text").GetString()!;
        Assert.Contains("What grows in node (", text);
        Assert.Contains("(Node.js, from its sampling heap profiler)", text);
        Assert.Matches(@"live memory allocated in \S+ \S*job-cache-leaky\.js:\d+", text);
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
        File.Delete(html);
    }
}
