using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Web.Tests;

/// <summary>The dashboard of a real watch, in real headless Chromium, updating live while a sample target leaks.</summary>
public sealed class DashboardPageTests
{
    [Fact]
    public async Task Dashboard_UpdatesLive_WhileATargetRuns()
    {
        int port = Repo.FreePort();
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[Programs.Leakhound, "run", "--interval", "0.2s", "--duration", "40s", "--min-span", "4s", "--format", "json",
                     "--no-runtime-counters", "--serve", $"127.0.0.1:{port}", "--", "dotnet", Programs.Leakhound, "demo-target", "leak", "--tick", "0.05",
                     "--bytes-per-tick", "131072", "--max-seconds", "60"])
        {
            info.ArgumentList.Add(a);
        }

        using Process watch = Process.Start(info)!;
        Task<string> stdout = watch.StandardOutput.ReadToEndAsync();
        try
        {
            string? line;
            do
            {
                line = await watch.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            while (line is not null && !line.Contains("dashboard at", StringComparison.Ordinal));

            Assert.Contains($"http://127.0.0.1:{port}/", line);
            string shot = Path.Combine(Path.GetTempPath(), "leakhound-dashboard.png");
            JsonElement page = await Programs.RenderAsync($"http://127.0.0.1:{port}/", shot,
                "window.leakhoundDashboard && window.leakhoundDashboard.updates >= 25 && window.leakhoundDashboard.charts.some(c => c.verdict === 'leak')");

            JsonElement[] charts = page.GetProperty("charts").EnumerateArray().ToArray();
            JsonElement rss = charts.Single(c => c.GetProperty("name").GetString() == "rss");
            Assert.True(rss.GetProperty("points").GetInt32() >= 25, rss.ToString());
            Assert.True(rss.GetProperty("canvases").GetInt32() >= 1);
            Assert.Contains(charts, c => c.GetProperty("verdict").GetString() == "leak");
            Assert.Contains("live ·", page.GetProperty("text").GetString());
            Assert.Empty(page.GetProperty("errors").EnumerateArray());
            Assert.All(page.GetProperty("requests").EnumerateArray(), r => Assert.StartsWith($"http://127.0.0.1:{port}/", r.GetString()));
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Serve_OnAnyAddressWithoutToken_ExitsTwo()
    {
        ProcessResult r = await Programs.LeakhoundAsync("run", "--serve", "0.0.0.0:0", "--duration", "1s", "--", "sleep", "3");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--serve: 0.0.0.0:0 is reachable from other machines: give --token", r.Stderr);
    }

    [Fact]
    public async Task RebindingPage_CannotReadTheApi_InChromium()
    {
        LiveStore store = Stores.Leaking(out _, rounds: 30);
        await using DashboardServer server = await DashboardServer.StartAsync(store, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), token: null);

        JsonElement rebound = await Programs.FetchAsRebindingPageAsync("rebound.example", server.Url.Port, "/api/verdicts");
        JsonElement local = await Programs.FetchAsRebindingPageAsync("localhost", server.Url.Port, "/api/verdicts");

        Assert.StartsWith("http://rebound.example:", rebound.GetProperty("origin").GetString()); // Chromium did reach the server under that name
        Assert.Equal(403, rebound.GetProperty("navigationStatus").GetInt32());
        Assert.Equal(403, rebound.GetProperty("status").GetInt32());
        Assert.DoesNotContain("\"verdict\"", rebound.GetProperty("body").GetString());
        Assert.Equal(200, local.GetProperty("status").GetInt32());
        Assert.Contains("\"verdict\"", local.GetProperty("body").GetString());
    }

    [Fact]
    public async Task ResumedWatch_ShowsItsGapAndRestart_OnTheCharts()
    {
        LiveStore store = Stores.Leaking(out _, rounds: 30);
        store.AddMark(new Core.Series.TimelineMark(10, "gap", 5));
        store.AddMark(new Core.Series.TimelineMark(15, "restart", 0));
        await using DashboardServer server = await DashboardServer.StartAsync(store, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), token: null);

        JsonElement page = await Programs.RenderAsync(server.Url.AbsoluteUri, null, "window.leakhoundDashboard && window.leakhoundDashboard.ready && window.leakhoundDashboard.charts.length >= 2");

        Assert.Equal(2, page.GetProperty("marks").GetInt32());
        Assert.True(page.GetProperty("marksDrawn").GetInt32() >= 2, page.ToString());
        Assert.Contains("gap of 5.0s at 10.0s · new process at 15.0s", page.GetProperty("text").GetString());
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
    }

    [Fact]
    public async Task AnExplanation_ShowsOnTheDashboard_WithWhatHoldsIt()
    {
        LiveStore store = Stores.Leaking(out _, rounds: 30);
        store.SetExplanations([new Watching.ExplanationTable("node (4242)",
            [
                new Watching.ExplanationRow("live memory allocated in getContact /srv/contacts.js:11", 36, 105, 2_500_000, "getContact /srv/contacts.js:11 ← (anonymous) /srv/contacts.js:22"),
                new Watching.ExplanationRow("entries of a Map (@82149)", 6240, 11580, 0, "(GC roots) .[13] → system / Context .service → WhatsAppService .contactCache → Map"),
            ],
            "What grows in node (4242) (Node.js, from its sampling heap profiler and heap snapshots)")]);
        await using DashboardServer server = await DashboardServer.StartAsync(store, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), token: null);

        JsonElement page = await Programs.RenderAsync(server.Url.AbsoluteUri, null, "window.leakhoundDashboard && window.leakhoundDashboard.ready && window.leakhoundDashboard.explanations >= 1");

        string text = page.GetProperty("text").GetString()!;
        Assert.Contains("What grows in node (4242) (Node.js, from its sampling heap profiler and heap snapshots)", text);
        Assert.Contains("WhatsAppService .contactCache → Map", text);
        Assert.Contains("2.38 MiB", text);
        Assert.Empty(page.GetProperty("errors").EnumerateArray());
    }
}
