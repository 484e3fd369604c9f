using System.Text.Json;
using System.Xml.Linq;

namespace LeakHound.Cli.Tests;

/// <summary>
/// A leak is never passed or stopped on for want of evidence, on real Node services at real pace: a two-minute soak of a
/// service that keeps every request fails, and <c>--until-verdict</c> does not end a leaking watch on a healthy verdict.
/// </summary>
public sealed class VerdictsThatHoldTests
{
    private static readonly string[] Healthy = ["stable", "sawtooth", "plateau", "step"];

    [Fact]
    public async Task TwoMinuteSoak_OfAServiceThatKeepsEveryRequest_DoesNotPass()
    {
        int port = Repo.FreePort();
        string junit = Path.Combine(Path.GetTempPath(), $"leakhound-junit-{Guid.NewGuid():N}.xml");
        // 60 requests a second, each kept with 6 KB: about 21 MiB a minute, the incident-sized leak of the issue.
        ProcessResult r = await CliRunner.RunAsync(["soak", "--target", $"node {CliRunner.Fixture("node/request-log.js")} {port} leak 200 6000 6000",
            "--ready-after", "1s", "--load", "GET", $"http://127.0.0.1:{port}/order", "--rate", "60/s", "--duration", "2m",
            "--format", "json", "--junit", junit, "--no-store"], 200);

        Assert.True(r.ExitCode is 1 or 4, r.ToString());
        JsonVerdicts doc = JsonVerdicts.Parse(r.Stdout);
        Assert.DoesNotContain(doc.Verdict("rss"), Healthy);
        Assert.NotNull(XDocument.Load(junit).Descendants("testcase").Single(t => (string?)t.Attribute("name") == "rss").Element("failure"));
        Assert.Equal((byte)'<', File.ReadAllBytes(junit)[0]); // no byte-order mark for CI parsers to trip on
    }

    [Fact]
    public async Task UntilVerdict_OnALeakingService_NeverStopsOnAHealthyVerdict()
    {
        int port = Repo.FreePort();
        // About 12.5 MiB a minute: 50 requests a second, 4 KB kept from each.
        using System.Diagnostics.Process load = System.Diagnostics.Process.Start("node",
            [CliRunner.Fixture("node/load.js"), $"http://127.0.0.1:{port}/order", "50", "0", "170"])!;
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["run", "--min-span", "60s", "--until-verdict", "--duration", "150s", "--format", "json", "--no-store",
                "--", "node", CliRunner.Fixture("node/request-log.js"), port.ToString(), "leak", "200", "6000", "4000"], 200);

            JsonVerdicts doc = JsonVerdicts.Parse(r.Stdout);
            string stopped = doc.Root.GetProperty("stopped_because").GetString()!;
            Assert.DoesNotContain(doc.Verdict("rss"), Healthy);
            if (stopped == "verdict")
            {
                Assert.Equal("leak", doc.Verdict("rss"));
                Assert.True(r.ExitCode == 1, r.ToString());
            }
        }
        finally
        {
            load.Kill();
        }
    }
}
