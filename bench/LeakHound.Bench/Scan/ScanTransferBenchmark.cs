using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using LeakHound.Bench.Twins;
using LeakHound.Core.Simulation;

namespace LeakHound.Bench.Scan;

/// <summary>
/// <c>leakhound scan</c> end to end against Debian's real Prometheus on 127.0.0.1: 10,000 series × one day at 15 s
/// written as OpenMetrics in chunks, loaded with <c>promtool tsdb create-blocks-from openmetrics</c>, then scanned by the
/// leakhound command. Reports the scan's own split (HTTP transfer and JSON decoding vs classification) and the server's
/// CPU while answering.
/// </summary>
internal static class ScanTransferBenchmark
{
    private const double Day = 86_400;
    private const double Step = 15;
    private const int ChunkSeries = 1_000;

    public static string Run(int series = 10_000)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"leakhound-scan-bench-{Guid.NewGuid():N}");
        string data = Path.Combine(dir, "data");
        Directory.CreateDirectory(dir);
        Process? server = null;
        try
        {
            long end = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60 - 600;
            Stopwatch load = Stopwatch.StartNew();
            Random rng = new(1);
            for (int first = 0; first < series; first += ChunkSeries)
            {
                string file = Path.Combine(dir, "chunk.om");
                WriteChunk(file, rng, first, Math.Min(series, first + ChunkSeries), end);
                Exec("promtool", ["tsdb", "create-blocks-from", "openmetrics", file, data], 1800);
                File.Delete(file);
            }

            load.Stop();
            long blockBytes = Directory.EnumerateFiles(data, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

            int port = Repo.FreePort();
            ProcessStartInfo info = new("prometheus") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            string config = Path.Combine(dir, "prometheus.yml");
            File.WriteAllText(config, "global:\n  scrape_interval: 1m\n");
            foreach (string a in (string[])[$"--config.file={config}", $"--storage.tsdb.path={data}", $"--web.listen-address=127.0.0.1:{port}",
                         "--storage.tsdb.retention.time=30d"])
            {
                info.ArgumentList.Add(a);
            }

            server = Process.Start(info)!;
            server.OutputDataReceived += (_, _) => { };
            server.ErrorDataReceived += (_, _) => { };
            server.BeginOutputReadLine();
            server.BeginErrorReadLine();
            WaitReady(port);

            string[] args = ["scan", "--prometheus", $"http://127.0.0.1:{port}", "--query", "app_memory_bytes", "--range", "24h", "--step", "15s",
                "--end", end.ToString(CultureInfo.InvariantCulture), "--format", "json", "--timeout", "300s"];
            StringBuilder md = new();
            md.AppendLine($"{series:N0} series × one day at 15 s in Prometheus {PrometheusVersion()} on 127.0.0.1 (loaded with promtool in {load.Elapsed.TotalMinutes:0.0} min, {blockBytes / 1e6:0} MB of blocks); `leakhound scan` run twice, the first warms the server's page cache.");
            md.AppendLine();
            md.AppendLine("| run | series | points | requests | HTTP + JSON decode | classification | scan wall (process) | Prometheus CPU | leaks found (1 in 10 planted) |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            for (int run = 1; run <= 2; run++)
            {
                double serverCpuBefore = CpuSeconds(server.Id);
                (JsonDocument json, double wall) = CliProcess.Run(args, 1800);
                double serverCpu = CpuSeconds(server.Id) - serverCpuBefore;
                using (json)
                {
                    JsonElement r = json.RootElement;
                    md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {run} | {r.GetProperty("series").GetInt32():N0} | {r.GetProperty("points").GetInt64():N0} | {r.GetProperty("requests").GetInt32()} | {r.GetProperty("transfer_seconds").GetDouble():0.0} s | {r.GetProperty("classify_seconds").GetDouble():0.0} s | {wall:0.0} s | {serverCpu:0.0} s | {r.GetProperty("leaking").GetInt32():N0} |"));
                }
            }

            return md.ToString();
        }
        finally
        {
            if (server is { HasExited: false })
            {
                server.Kill();
                server.WaitForExit(10_000);
            }

            server?.Dispose();
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Series [from, to): the same shapes as the classification benchmark, one in ten leaking under GC teeth.</summary>
    private static void WriteChunk(string file, Random rng, int from, int to, long end)
    {
        long start = end - (long)Day;
        using StreamWriter om = new(file, false, new UTF8Encoding(false), 1 << 20);
        om.Write("# TYPE app_memory_bytes gauge\n");
        for (int i = from; i < to; i++)
        {
            double drift = i % 10 == 0 ? 20_000 : 0;
            string prefix = $"app_memory_bytes{{instance=\"host-{i:00000}\",job=\"fleet\"}} ";
            foreach ((double t, double v) in SyntheticSeries.Sawtooth(rng, Day, Step, 100e6, 5e6, 600, drift, 2e5))
            {
                om.Write(prefix);
                om.Write(((long)v).ToString(CultureInfo.InvariantCulture));
                om.Write(' ');
                om.Write((start + (long)t).ToString(CultureInfo.InvariantCulture));
                om.Write('\n');
            }
        }

        om.Write("# EOF\n");
    }

    private static void Exec(string program, string[] args, int timeoutSeconds)
    {
        ProcessResult r = ChildProcess.RunAsync(program, args, timeoutSeconds).GetAwaiter().GetResult();
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        }
    }

    private static void WaitReady(int port)
    {
        using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
        for (int i = 0; i < 600; i++)
        {
            try
            {
                if (http.GetAsync($"http://127.0.0.1:{port}/-/ready").Result.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (AggregateException)
            {
                // not listening yet
            }

            Thread.Sleep(500);
        }

        throw new TimeoutException("Prometheus did not become ready in 5 minutes");
    }

    /// <summary>User + system CPU seconds of a process from /proc/PID/stat.</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) / 100.0; // utime, stime in clock ticks (USER_HZ = 100)
    }

    private static string PrometheusVersion()
    {
        ProcessResult r = ChildProcess.RunAsync("prometheus", ["--version"], 30).GetAwaiter().GetResult();
        string first = (r.Stdout + r.Stderr).Split('\n')[0];
        return first.Split(' ') is [_, _, var version, ..] ? version.TrimEnd(',') : "?";
    }
}
