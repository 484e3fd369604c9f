using System.Net;
using System.Text;
using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>--rules on a real leaking target: a webhook receiver on 127.0.0.1 and a command action, end to end.</summary>
public sealed class RulesTests
{
    [Fact]
    public async Task LeakRule_PostsOnePayloadWithinTheCooldown_AndPassesCommandArgumentsIntact()
    {
        int port = Repo.FreePort();
        using HttpListener receiver = new();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        List<string> bodies = [];
        using CancellationTokenSource stop = new(TimeSpan.FromSeconds(90));
        Task receiving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext context = await receiver.GetContextAsync().WaitAsync(stop.Token);
                using StreamReader reader = new(context.Request.InputStream, Encoding.UTF8);
                string body = await reader.ReadToEndAsync();
                lock (bodies) { bodies.Add(body); }
                context.Response.StatusCode = 204;
                context.Response.Close();
            }
        });

        string argsFile = Path.Combine(Path.GetTempPath(), $"leakhound-args-{Guid.NewGuid():N}.json");
        string rules = Path.Combine(Path.GetTempPath(), $"leakhound-rules-{Guid.NewGuid():N}.json");
        string[] command = ["node", "-e", "require('fs').writeFileSync(process.argv[1], JSON.stringify({ args: process.argv.slice(2), series: process.env.LEAKHOUND_SERIES }))",
            argsFile, "two words", "quote\" and 'single'", "$HOME; echo not-a-shell"];
        await File.WriteAllTextAsync(rules, JsonSerializer.Serialize(new
        {
            rules = new object[]
            {
                new { name = "page", when = new { series = "rss", verdict = "leak" }, @do = new object[] { new { webhook = $"http://127.0.0.1:{port}/hook" } }, cooldown = "1h" },
                new { name = "record", when = new { series = "rss", verdict = "leak" }, @do = new object[] { new { command } }, cooldown = "1h" },
            },
        }));

        ProcessResult r = await CliRunner.RunAsync(["run", "--interval", "0.1s", "--min-span", "6s", "--duration", "18s", "--format", "json",
            "--no-runtime-counters", "--rules", rules, "--", "dotnet", CliRunner.Dll, "demo-target", "leak", "--tick", "0.05", "--bytes-per-tick", "131072",
            "--max-seconds", "60"], 90);
        stop.Cancel();

        Assert.True(r.ExitCode == 1, r.ToString());
        string body = Assert.Single(bodies);
        SchemaCheck.Assert(body, "ruleEvent");
        JsonElement payload = JsonDocument.Parse(body).RootElement;
        Assert.Equal("page", payload.GetProperty("rule").GetString());
        Assert.Equal("rss", payload.GetProperty("series").GetString());
        Assert.Equal("leak", payload.GetProperty("verdict").GetString());
        Assert.True(payload.GetProperty("slope_per_second").GetDouble() > 0);
        Assert.Contains("rule 'page' fired", r.Stderr);

        JsonElement recorded = JsonDocument.Parse(await File.ReadAllTextAsync(argsFile)).RootElement;
        Assert.Equal(["two words", "quote\" and 'single'", "$HOME; echo not-a-shell"], recorded.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("rss", recorded.GetProperty("series").GetString());
    }

    [Fact]
    public async Task BadRulesFile_ExitsTwo_WithFileLineAndReason()
    {
        string rules = Path.Combine(Path.GetTempPath(), $"leakhound-rules-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(rules, "{ \"rules\": [\n  { \"when\": { \"verdict\": \"leak\" },\n    \"do\": [ \"page-me\" ] } ] }\n");

        ProcessResult r = await CliRunner.RunAsync("run", "--rules", rules, "--duration", "1s", "--", "sleep", "3");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"--rules: {rules}:3: unknown action 'page-me'", r.Stderr);
    }
}
