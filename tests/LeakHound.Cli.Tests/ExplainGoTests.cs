using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>The reconnect service of tests/fixtures/go built once with Debian's Go, for the explain tests.</summary>
public sealed class GoReconnectFixture : IAsyncLifetime
{
    public string Binary { get; } = Path.Combine(Path.GetTempPath(), $"leakhound-go-reconnect-{Guid.NewGuid():N}");

    public async Task InitializeAsync()
    {
        string cache = Path.Combine(Path.GetTempPath(), "leakhound-go-cache");
        ProcessStartInfo build = new("go", ["build", "-o", Binary, "main.go"])
        {
            WorkingDirectory = CliRunner.Fixture("go/reconnect"),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        build.Environment["GOCACHE"] = cache;
        build.Environment["GOPATH"] = Path.Combine(cache, "gopath");
        build.Environment["GO111MODULE"] = "off";
        ProcessResult built = await ChildProcess.CompleteAsync(Process.Start(build)!, "go build", 180);
        Assert.True(built.ExitCode == 0, $"go build failed: {built}");
    }

    /// <summary>
    /// Starts the service (leak or fixed), reconnecting every <paramref name="everyMs"/> ms, on a free port, after
    /// starting <paramref name="idle"/> idle workers; ends by itself after 30 s.
    /// </summary>
    public async Task<(Process Service, int Port)> StartAsync(string mode, int everyMs = 50, int idle = 0)
    {
        int port = Repo.FreePort();
        Process service = Process.Start(new ProcessStartInfo(Binary, [port.ToString(), mode, everyMs.ToString(), "30", idle.ToString()])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        string? first = await service.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("listening", first);
        return (service, port);
    }

    public Task DisposeAsync()
    {
        File.Delete(Binary);
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>explain</c> of a Go program through its net/http/pprof: the goroutine started on every reconnect and never
/// stopped is named by the function it waits in, who started it and its growth per second; the fixed twin shows
/// nothing; every way the endpoint can fail is one line and exit 3.
/// </summary>
public sealed class ExplainGoTests(GoReconnectFixture go) : IClassFixture<GoReconnectFixture>
{
    private static void Stop(Process p)
    {
        if (!p.HasExited)
        {
            p.Kill();
        }

        p.WaitForExit();
        p.Dispose();
    }

    [Fact]
    public async Task TheReconnectLeak_IsNamedByItsStack_AndItsRate()
    {
        (Process service, int port) = await go.StartAsync("leak", everyMs: 50);
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["explain", "--pprof-url", $"http://127.0.0.1:{port}/debug/pprof", "--for", "3s", "--snapshots", "3", "--format", "json"], 60);

            Assert.True(r.ExitCode == 1, r.ToString());
            JsonElement root = JsonVerdicts.Parse(r.Stdout).Root;
            JsonElement top = root.GetProperty("growing")[0];
            Assert.Equal("main.handleConfirms", top.GetProperty("what").GetString());
            Assert.Contains(top.GetProperty("where").GetString(), new[] { "main.go:26", "main.go:27" }); // the select, or its first case (Go versions differ)
            Assert.Equal("select", top.GetProperty("state").GetString());
            Assert.StartsWith("main.reconnect (main.go:", top.GetProperty("created_by").GetString());
            Assert.InRange(top.GetProperty("per_second").GetDouble(), 10, 25); // one per 50 ms reconnect
            Assert.Equal(1, root.GetProperty("growing").GetArrayLength());

            // Go 1.19 serves no goroutineleak profile (404): said so, and no stack is claimed proven.
            JsonElement proof = root.GetProperty("goroutine_leak_profile");
            Assert.False(proof.GetProperty("served").GetBoolean());
            Assert.StartsWith("not served", proof.GetProperty("unavailable").GetString());
            Assert.Equal(JsonValueKind.Null, top.GetProperty("proven_leaked").ValueKind);

            // Each reconnect's 1 MiB buffer is kept: the heap site that allocates it grows.
            JsonElement heap = root.GetProperty("heap_growing")[0];
            Assert.Equal("main.reconnect", heap.GetProperty("what").GetString());
            Assert.Equal("main.go:41", heap.GetProperty("where").GetString());
            Assert.InRange(heap.GetProperty("bytes_per_second").GetDouble(), 5 << 20, 40 << 20); // 20 MiB/s, sampled
        }
        finally
        {
            Stop(service);
        }
    }

    [Fact]
    public async Task TheCountProfileReader_ReadsTheRealRuntimesText_AndMatchesItsDumpsStacks()
    {
        // The goroutineleak profile is written by the same printCountProfile as the goroutine profile's debug=1: reading
        // this Go's goroutine profile proves the reader on the runtime's own text.
        (Process service, int port) = await go.StartAsync("leak", everyMs: 50);
        try
        {
            using HttpClient http = new();
            for (int i = 0; i < 50 && !(await http.GetStringAsync($"http://127.0.0.1:{port}/debug/pprof/goroutine?debug=2")).Contains("main.handleConfirms"); i++)
            {
                await Task.Delay(100); // until the first reconnects
            }

            string counts = await http.GetStringAsync($"http://127.0.0.1:{port}/debug/pprof/goroutine?debug=1");
            string dump = await http.GetStringAsync($"http://127.0.0.1:{port}/debug/pprof/goroutine?debug=2");

            IReadOnlyList<Probes.Go.GoroutineStack> counted = Probes.Go.GoroutineCountProfile.Parse(counts, "goroutine", "?");
            Probes.Go.GoroutineStack leaking = Probes.Go.GoroutineDump.Parse(dump).First(s => s.Blocked?.Function == "main.handleConfirms");
            Probes.Go.GoroutineStack match = Assert.Single(counted, s => Probes.Go.GoroutineStack.UserFramesKey(s.Frames) == Probes.Go.GoroutineStack.UserFramesKey(leaking.Frames));
            Assert.InRange(match.Count, 1, leaking.Count + 20); // read a moment before the dump; one reconnect per 50 ms
            Assert.InRange(match.Count, leaking.Count - 20, int.MaxValue);
            Assert.Equal(leaking.Blocked, match.Blocked);
        }
        finally
        {
            Stop(service);
        }
    }

    /// <summary>
    /// Past the 64 MB where Go cuts the goroutine dump (30,000 idle workers 30 frames deep, started before the leak), the
    /// leaking handlers are not in the dump at all: they are counted from the goroutine profile, which Go counts itself.
    /// </summary>
    [Fact]
    public async Task ALeakBeyondWhatTheDumpHolds_IsStillCounted()
    {
        (Process service, int port) = await go.StartAsync("leak", everyMs: 50, idle: 30_000);
        try
        {
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(60) };
            string dump = await http.GetStringAsync($"http://127.0.0.1:{port}/debug/pprof/goroutine?debug=2");
            Assert.DoesNotContain("main.handleConfirms", dump); // the precondition: the dump is cut before the leak

            ProcessResult r = await CliRunner.RunAsync(["explain", "--pprof-url", $"http://127.0.0.1:{port}/debug/pprof", "--for", "3s", "--snapshots", "3", "--format", "json"], 120);

            Assert.True(r.ExitCode == 1, r.ToString());
            using JsonDocument doc = JsonDocument.Parse(r.Stdout);
            Assert.All(doc.RootElement.GetProperty("goroutines").EnumerateArray(), n => Assert.True(n.GetInt32() > 30_000, n.ToString()));
            JsonElement top = doc.RootElement.GetProperty("growing")[0];
            Assert.Equal("main.handleConfirms", top.GetProperty("what").GetString());
            Assert.Equal("unknown", top.GetProperty("state").GetString()); // not in the dump: as counted
            Assert.Contains("growing stacks are not in the goroutine dump (Go cuts it at 64 MB)", r.Stderr);
            Assert.True(top.GetProperty("per_second").GetDouble() > 5, top.ToString()); // 20 reconnects a second
        }
        finally
        {
            Stop(service);
        }
    }

    [Fact]
    public async Task TheFixedTwin_ShowsNoGrowingStack()
    {
        (Process service, int port) = await go.StartAsync("fixed", everyMs: 50);
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["explain", "--pprof-url", $"http://127.0.0.1:{port}/debug/pprof/", "--for", "3s", "--snapshots", "3", "--format", "json"], 60);

            Assert.True(r.ExitCode == 0, r.ToString());
            Assert.Equal(0, JsonVerdicts.Parse(r.Stdout).Root.GetProperty("growing").GetArrayLength());
            Assert.Equal(0, JsonVerdicts.Parse(r.Stdout).Root.GetProperty("heap_growing").GetArrayLength());
        }
        finally
        {
            Stop(service);
        }
    }

    [Fact]
    public async Task ByPid_ThePprofIsFoundAmongItsListeningPorts()
    {
        (Process service, _) = await go.StartAsync("leak", everyMs: 50);
        try
        {
            ProcessResult r = await CliRunner.RunAsync(["explain", "--pid", service.Id.ToString(), "--for", "2s", "--snapshots", "2"], 60);

            Assert.True(r.ExitCode == 1, r.ToString());
            Assert.Contains("main.handleConfirms", r.Stdout);
        }
        finally
        {
            Stop(service);
        }
    }

    [Fact]
    public async Task EndpointsThatFail_AreOneLine_AndExit3()
    {
        (Process service, int port) = await go.StartAsync("fixed");
        int html = Repo.FreePort();
        using Process page = Process.Start(new ProcessStartInfo("node", ["-e",
            $"const s = require('http').createServer((q, r) => r.end('<html>hello</html>')).listen({html}, '127.0.0.1', () => console.log('up')); setTimeout(() => s.close(), 30000).unref(); setTimeout(() => process.exit(0), 30000)"])
        { UseShellExecute = false, RedirectStandardOutput = true })!;
        using Process sleeper = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.Equal("up", await page.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            (string[] Args, string Message)[] cases =
            [
                (["--pprof-url", $"http://127.0.0.1:{port}/no/such/"], "404"),
                (["--pprof-url", $"http://127.0.0.1:{html}/debug/pprof"], "not the goroutine profile's text"),
                (["--pprof-url", $"http://127.0.0.1:{Repo.FreePort()}/debug/pprof"], "cannot reach"),
                (["--pid", sleeper.Id.ToString()], "is not a .NET or Node.js process and serves no net/http/pprof"),
            ];
            foreach ((string[] args, string message) in cases)
            {
                ProcessResult r = await CliRunner.RunAsync(["explain", .. args, "--for", "1s", "--snapshots", "2"], 60);

                Assert.True(r.ExitCode == 3, r.ToString());
                Assert.Contains(message, Assert.Single(r.Stderr.Trim().Split('\n')));
            }
        }
        finally
        {
            Stop(service);
            page.Kill();
            sleeper.Kill();
        }
    }

    /// <summary><c>run --explain-on-leak --pprof-url</c>: the watch's leak is explained from the Go program's pprof, in the JSON.</summary>
    [Fact]
    public async Task RunExplainOnLeak_PutsTheGrowingStackAndHeapSiteInTheResult()
    {
        int port = Repo.FreePort();
        string report = Path.Combine(Path.GetTempPath(), $"leakhound-go-{Guid.NewGuid():N}.html");
        ProcessResult r = await CliRunner.RunAsync(["run", "--pprof-url", $"http://127.0.0.1:{port}/debug/pprof", "--explain-on-leak", "--report", report, "--interval", "0.2s", "--min-span", "4s",
            "--duration", "50s", "--until-verdict", "--format", "json", "--no-store", "--no-runtime-counters", "--", go.Binary, port.ToString(), "leak", "100", "45"], 120);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("reading its goroutines and heap from", r.Stderr);
        JsonElement root = JsonVerdicts.Parse(r.Stdout).Root;
        Assert.Equal("verdict", root.GetProperty("stopped_because").GetString());
        JsonElement explanation = root.GetProperty("targets")[0].GetProperty("go_explanation");
        Assert.Equal("main.handleConfirms", explanation.GetProperty("growing")[0].GetProperty("what").GetString());
        Assert.Equal("main.reconnect", explanation.GetProperty("heap_growing")[0].GetProperty("what").GetString());
        Assert.True(explanation.GetProperty("started_at_seconds").GetDouble() > 0);

        // The report has the same, as a table of its own.
        string html = await File.ReadAllTextAsync(report);
        Assert.Contains("What grows in ", html);
        Assert.Contains("goroutines in main.handleConfirms (main.go:", html);
        Assert.Contains("heap allocated at main.reconnect (main.go:41)", html);
        File.Delete(report);
    }

    /// <summary><c>soak --iterations --pprof-url</c>: the stack that grows by one goroutine per reconnect, per iteration; the fixed twin has none.</summary>
    [Theory]
    [InlineData("leak", 1)]
    [InlineData("fixed", 0)]
    public async Task SoakIterations_GiveTheGrowingStack_PerIteration(string mode, int exitCode)
    {
        int port = Repo.FreePort();
        ProcessResult r = await CliRunner.RunAsync(["soak", "--target", $"\"{go.Binary}\" {port} {mode} 0 60", "--ready-url", $"http://127.0.0.1:{port}/debug/pprof/",
            "--pprof-url", $"http://127.0.0.1:{port}/debug/pprof", "--load", "GET", $"http://127.0.0.1:{port}/reconnect", "--iterations", "20", "--format", "json", "--no-store"], 90);

        Assert.True(r.ExitCode == exitCode, r.ToString());
        JsonElement stacks = JsonVerdicts.Parse(r.Stdout).Root.GetProperty("goroutine_growth");
        if (mode == "fixed")
        {
            Assert.Equal(0, stacks.GetArrayLength());
            return;
        }

        JsonElement top = Assert.Single(stacks.EnumerateArray());
        Assert.Equal("main.handleConfirms", top.GetProperty("what").GetString());
        Assert.InRange(top.GetProperty("per_iteration").GetDouble(), 0.9, 1.1); // one per reconnect
        Assert.StartsWith("main.reconnect (main.go:", top.GetProperty("created_by").GetString());
    }
}
