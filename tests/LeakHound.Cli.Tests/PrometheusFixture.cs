using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Core.Simulation;

namespace LeakHound.Cli.Tests;

/// <summary>
/// A real Prometheus (Debian's package) on 127.0.0.1 with a day of history: leaking, sawtooth, warm-up-then-plateau and
/// one-step series for 30 instances each, written as OpenMetrics and loaded with <c>promtool tsdb create-blocks-from
/// openmetrics</c>, plus a memory limit per instance; and two live services (the reconnect leak and its fixed twin)
/// scraped twice a second. Started once for the scan tests, stopped after them.
/// </summary>
public sealed class PrometheusFixture : IAsyncLifetime
{
    public const int PerKind = 30;
    public const double StepSeconds = 60;
    public static readonly string[] Kinds = ["leak", "sawtooth", "plateau", "step"];

    private Process? _server;
    private readonly List<Process> _live = [];

    /// <summary>When the live targets started being scraped.</summary>
    public DateTimeOffset LiveSince { get; private set; }
    private string _dir = "";

    public Uri Url { get; private set; } = null!;

    /// <summary>Unix seconds of the last point: scans pass it as --end so "now" does not matter.</summary>
    public long End { get; private set; }

    public async Task InitializeAsync()
    {
        _dir = Path.Combine(Path.GetTempPath(), $"leakhound-prom-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_dir);
        End = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60 - 600;
        string openMetrics = Path.Combine(_dir, "history.om");
        await File.WriteAllTextAsync(openMetrics, Generate(End));

        string data = Path.Combine(_dir, "data");
        ProcessResult created = await ChildProcess.RunAsync("promtool", ["tsdb", "create-blocks-from", "openmetrics", openMetrics, data]);
        Assert.True(created.ExitCode == 0, $"promtool failed: {created}");

        // Two live services scraped every second: the reconnect leak and its fixed twin (tests/fixtures/node).
        int leakPort = Repo.FreePort();
        int fixedPort = Repo.FreePort();
        foreach ((int livePort, string mode) in new[] { (leakPort, "leak"), (fixedPort, "fixed") })
        {
            ProcessStartInfo node = new("node") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in (string[])[CliRunner.Fixture("node/metrics-server.js"), livePort.ToString(), mode, "500", "600"])
            {
                node.ArgumentList.Add(a);
            }

            Process live = Process.Start(node)!;
            live.OutputDataReceived += (_, _) => { };
            live.ErrorDataReceived += (_, _) => { };
            live.BeginOutputReadLine();
            live.BeginErrorReadLine();
            _live.Add(live);
        }

        string config = Path.Combine(_dir, "prometheus.yml");
        await File.WriteAllTextAsync(config, $$"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: live
                scrape_interval: 500ms
                static_configs:
                  - targets: ["127.0.0.1:{{leakPort}}"]
                    labels: { mode: leak }
                  - targets: ["127.0.0.1:{{fixedPort}}"]
                    labels: { mode: fixed }
            """);
        int port = Repo.FreePort();
        ProcessStartInfo info = new("prometheus") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])[$"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
                     "--storage.tsdb.retention.time=30d", "--query.max-samples=50000000"])
        {
            info.ArgumentList.Add(a);
        }

        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, _) => { };
        _server.ErrorDataReceived += (_, _) => { };
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        Url = new Uri($"http://127.0.0.1:{port}");
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                using HttpResponseMessage r = await http.GetAsync(new Uri(Url, "/-/ready"));
                if (r.IsSuccessStatusCode)
                {
                    LiveSince = DateTimeOffset.UtcNow;
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            Assert.False(_server.HasExited, "prometheus exited at start");
            await Task.Delay(250);
        }

        throw new TimeoutException("prometheus did not become ready in 60 s");
    }

    public async Task DisposeAsync()
    {
        foreach (Process live in _live)
        {
            if (!live.HasExited)
            {
                live.Kill();
            }

            live.Dispose();
        }

        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            await _server.WaitForExitAsync();
        }

        _server?.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The containers of a Kubernetes node as cAdvisor and kube-state-metrics name them (see <see cref="Containers"/>).</summary>
    public static readonly string[] ContainerNames = ["cart", "web", "search"];

    /// <summary>
    /// A day of three containers' memory as cAdvisor writes it, each life of a container its own series (a new id, name and
    /// image at every restart), with their limits: <c>cart</c> leaks 2 MiB a minute and is restarted every 5 h 40 min
    /// (its last life 12 minutes old), its limit in <c>container_spec_memory_limit_bytes</c>; <c>web</c> is a healthy
    /// sawtooth redeployed every 6 h; <c>search</c> leaks without restarting, and only kube-state-metrics knows its limit
    /// (cAdvisor's spec says 0, none).
    /// </summary>
    private static void Containers(StringBuilder om, Random rng, long start, long end)
    {
        const double day = 86_400;
        om.Append("# TYPE container_memory_working_set_bytes gauge\n");
        StringBuilder limits = new("# TYPE container_spec_memory_limit_bytes gauge\n");
        foreach ((string container, double life, double leakPerMinute, double specLimit) in new[]
                 { ("cart", 5 * 3600 + 40 * 60.0, 2.0, 1073741824.0), ("web", 6 * 3600.0, 0, 1073741824.0), ("search", 2 * day, 1.5, 0) })
        {
            // Lives from the newest back to the range's start: cart's newest is 12 minutes old, every other a whole life.
            List<(double From, double To)> spans = [];
            for (double to = day, from = day - (container == "cart" ? 12 * 60 : life); to > 0; to = from, from -= life)
            {
                spans.Add((Math.Max(0, from), to));
            }

            spans.Reverse();
            for (int n = 0; n < spans.Count; n++)
            {
                (double from, double to) = spans[n];
                string id = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes($"{container}-{n}"))).ToLowerInvariant();
                string labels = $"{{namespace=\"shop\",pod=\"{container}-0\",container=\"{container}\",id=\"/kubepods/burstable/pod-{container}/{id}\",name=\"{id}\",image=\"{container}:{n}\",job=\"kubelet\",instance=\"node-1\"}}";
                foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, to - from, StepSeconds, 150e6, 40e6, 900, leakPerMinute * (1 << 20) / 60, 1e6))
                {
                    om.Append("container_memory_working_set_bytes").Append(labels).Append(' ').Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                        .Append((start + (long)(from + t)).ToString(CultureInfo.InvariantCulture)).Append('\n');
                }

                for (double t = from; t < to; t += 240)
                {
                    limits.Append("container_spec_memory_limit_bytes").Append(labels).Append(' ').Append(specLimit.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                        .Append((start + (long)t).ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        om.Append(limits);
        om.Append("# TYPE kube_pod_container_resource_limits gauge\n");
        for (long t = start; t <= end; t += 240)
        {
            om.Append($"kube_pod_container_resource_limits{{namespace=\"shop\",pod=\"search-0\",container=\"search\",resource=\"memory\",unit=\"byte\",job=\"kube-state-metrics\",instance=\"ksm:8080\"}} 2147483648 {t}\n");
        }
    }

    /// <summary>A day at one point a minute per series; shapes drawn with the same generators as the detector's property tests.</summary>
    private static string Generate(long end)
    {
        const double day = 86_400;
        long start = end - (long)day;
        StringBuilder om = new();
        om.Append("# TYPE app_memory_bytes gauge\n");
        Random rng = new(20261125);
        foreach (string kind in Kinds)
        {
            for (int i = 0; i < PerKind; i++)
            {
                double floor = 100e6 + rng.NextDouble() * 400e6;
                double noise = 1e6;
                IEnumerable<(double T, double V)> shape = kind switch
                {
                    // 0.2–3 MiB per minute under a GC sawtooth of 20–200 MB with a 5–40 min period
                    "leak" => SyntheticSeries.Sawtooth(rng, day, StepSeconds, floor, 20e6 + rng.NextDouble() * 180e6, 300 + rng.NextDouble() * 2100,
                        (0.2 + rng.NextDouble() * 2.8) * (1 << 20) / 60, noise),
                    "sawtooth" => SyntheticSeries.Sawtooth(rng, day, StepSeconds, floor, 20e6 + rng.NextDouble() * 300e6, 120 + rng.NextDouble() * 1700, 0, noise),
                    // a cache warming up over 5–60 minutes, then flat
                    "plateau" => SyntheticSeries.WarmUp(rng, day, StepSeconds, floor, 50e6 + rng.NextDouble() * 300e6, 300 + rng.NextDouble() * 3300, noise),
                    _ => SyntheticSeries.Step(rng, day, StepSeconds, floor, 50e6 + rng.NextDouble() * 300e6, day * (0.2 + rng.NextDouble() * 0.6), noise),
                };
                string labels = $"{{kind=\"{kind}\",instance=\"{kind}-{i:00}\",job=\"app\"}}";
                foreach ((double t, double v) in shape)
                {
                    om.Append("app_memory_bytes").Append(labels).Append(' ')
                        .Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(' ')
                        .Append((start + (long)t).ToString(CultureInfo.InvariantCulture)).Append('\n');
                }
            }
        }

        om.Append("# TYPE app_memory_limit_bytes gauge\n");
        foreach (string kind in Kinds)
        {
            for (int i = 0; i < PerKind; i++)
            {
                for (long t = start; t <= end; t += 3600)
                {
                    om.Append($"app_memory_limit_bytes{{instance=\"{kind}-{i:00}\"}} 17179869184 {t}\n");
                }
            }
        }

        Containers(om, rng, start, end);

        // A request counter on three instances; the first two restart twice (the counter drops to 0).
        om.Append("# TYPE app_requests counter\n");
        for (int i = 0; i < 3; i++)
        {
            double count = 0;
            for (long t = start; t <= end; t += (long)StepSeconds)
            {
                bool restart = i < 2 && (t - start == (long)(day / 3) / 60 * 60 || t - start == (long)(2 * day / 3) / 60 * 60);
                count = restart ? 0 : count + 1 + rng.Next(20);
                om.Append($"app_requests_total{{instance=\"counter-{i}\"}} {count} {t}\n");
            }
        }

        om.Append("# EOF\n");
        return om.ToString();
    }
}
