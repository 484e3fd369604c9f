using System.Net;
using System.Text.Json;

namespace LeakHound.Web.Tests;

/// <summary>The server in-process on a real socket: API shapes, SSE, /metrics, the token rule.</summary>
public sealed class DashboardServerTests
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);
    private const string Token = "0123456789abcdef0123";

    [Fact]
    public async Task Api_ListsTargetsSeriesAndVerdicts()
    {
        LiveStore store = Stores.Leaking(out string label);
        await using DashboardServer server = await DashboardServer.StartAsync(store, AnyLoopbackPort, token: null);
        using HttpClient http = new() { BaseAddress = server.Url };

        JsonElement targets = JsonDocument.Parse(await http.GetStringAsync("/api/targets")).RootElement.GetProperty("targets");
        JsonElement target = Assert.Single(targets.EnumerateArray());
        Assert.Equal(label, target.GetProperty("label").GetString());
        Assert.Equal(4242, target.GetProperty("pid").GetInt32());
        JsonElement rssEntry = target.GetProperty("series").EnumerateArray().Single(s => s.GetProperty("name").GetString() == "rss");
        Assert.Equal("leak", rssEntry.GetProperty("verdict").GetString());

        JsonElement rss = JsonDocument.Parse(await http.GetStringAsync($"/api/series/{rssEntry.GetProperty("id").GetInt32()}")).RootElement;
        Assert.Equal(600, rss.GetProperty("t").GetArrayLength());
        Assert.Equal(600, rss.GetProperty("v").GetArrayLength());
        Assert.Equal("bytes", rss.GetProperty("unit").GetString());
        Assert.StartsWith("+", rss.GetProperty("verdict").GetProperty("rate").GetString());

        string verdictsJson = await http.GetStringAsync("/api/verdicts");
        SchemaCheck.Assert(verdictsJson, "apiVerdicts");
        JsonElement verdicts = JsonDocument.Parse(verdictsJson).RootElement.GetProperty("verdicts");
        Assert.Equal(2, verdicts.GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/series/99")).StatusCode);

        using HttpResponseMessage metrics = await http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", metrics.Content.Headers.ContentType!.ToString());
        Assert.Contains("leakhound_signal_verdict{", await metrics.Content.ReadAsStringAsync());

        string page = await http.GetStringAsync("/");
        Assert.Contains("uPlot", page);
        Assert.DoesNotContain("/*UPLOT_JS*/", page);
    }

    [Fact]
    public async Task Events_StreamEachRound()
    {
        LiveStore store = new();
        int target = store.AddTarget("t", null);
        await using DashboardServer server = await DashboardServer.StartAsync(store, AnyLoopbackPort, token: null);
        using HttpClient http = new() { BaseAddress = server.Url };
        using HttpResponseMessage response = await http.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead);
        using StreamReader reader = new(await response.Content.ReadAsStreamAsync());
        Assert.Equal(": leakhound", await reader.ReadLineAsync());

        store.Append(target, 1.5, "rss", 1234);
        store.Publish();
        string? line;
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(10));
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !line.StartsWith("data: ", StringComparison.Ordinal));

        SchemaCheck.Assert(line!["data: ".Length..], "round");
        JsonElement round = JsonDocument.Parse(line!["data: ".Length..]).RootElement;
        Assert.Equal(1234, round.GetProperty("points")[0][2].GetDouble());
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task NonLoopback_NeedsAToken_AndEveryRequestMustCarryIt()
    {
        LiveStore store = Stores.Leaking(out _, rounds: 30);
        await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(store, new IPEndPoint(IPAddress.Any, 0), token: null));

        await using DashboardServer server = await DashboardServer.StartAsync(store, new IPEndPoint(IPAddress.Any, 0), token: Token);
        using HttpClient http = new() { BaseAddress = server.Url };

        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/targets?token=wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/targets?token=" + Token + "")).StatusCode);
        using HttpRequestMessage bearer = new(HttpMethod.Get, "/metrics") { Headers = { { "Authorization", "Bearer " + Token } } };
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(bearer)).StatusCode);
    }

    [Fact]
    public async Task ShortToken_IsRefused()
    {
        ArgumentException e = await Assert.ThrowsAsync<ArgumentException>(() => DashboardServer.StartAsync(new LiveStore(), AnyLoopbackPort, token: "s3cret"));
        Assert.Contains("use at least 16", e.Message);
    }

    [Fact]
    public async Task WithoutToken_OnlyLoopbackHostNamesAreServed()
    {
        LiveStore store = Stores.Leaking(out _, rounds: 30);
        await using DashboardServer server = await DashboardServer.StartAsync(store, AnyLoopbackPort, token: null);
        using HttpClient http = new() { BaseAddress = server.Url };

        foreach (string host in (string[])["localhost", $"localhost:{server.Url.Port}", $"127.0.0.1:{server.Url.Port}", "127.0.0.2", "[::1]:80", "app.localhost"])
        {
            using HttpRequestMessage ok = new(HttpMethod.Get, "/api/verdicts") { Headers = { Host = host } };
            Assert.True((await http.SendAsync(ok)).StatusCode == HttpStatusCode.OK, host);
        }

        foreach (string host in (string[])["rebound.example", $"rebound.example:{server.Url.Port}", "127.0.0.1.nip.io", "localhost.example", "10.0.0.1"])
        {
            using HttpRequestMessage refused = new(HttpMethod.Get, "/api/verdicts") { Headers = { Host = host } };
            using HttpResponseMessage response = await http.SendAsync(refused);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, host);
            Assert.DoesNotContain("verdict\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task IPv4MappedLoopback_IsServedAsLoopback()
    {
        await using DashboardServer server = await DashboardServer.StartAsync(new LiveStore(), new IPEndPoint(IPAddress.Parse("::ffff:127.0.0.1"), 0), token: null);

        Assert.Equal("127.0.0.1", server.Url.Host);
        using HttpClient http = new() { BaseAddress = server.Url };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/api/targets")).StatusCode);
    }
}
