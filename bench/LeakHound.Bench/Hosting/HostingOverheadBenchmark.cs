using System.Diagnostics;
using System.Text;
using LeakHound.Bench.Twins;

namespace LeakHound.Bench.Hosting;

/// <summary>
/// Requests per second of the sample ASP.NET Core service without LeakHound.Hosting, with it at the default 5 s
/// interval, and with it sampling every 100 ms (50× the default), under the same closed-loop load on 127.0.0.1.
/// Configurations alternate in rounds so drift on the machine spreads over all of them.
/// </summary>
internal static class HostingOverheadBenchmark
{
    private const int Concurrency = 8;
    private const double WarmupSeconds = 3;
    private const double MeasureSeconds = 10;
    private const int Rounds = 3;

    private static readonly (string Name, string[] Args)[] Configurations =
    [
        ("without LeakHound.Hosting", ["--leakhound", "off"]),
        ("AddLeakHound, 5 s interval (default)", ["--interval", "5s", "--warmup", "0s"]),
        ("AddLeakHound, 100 ms interval", ["--interval", "0.1s", "--warmup", "0s"]),
    ];

    public static string Run()
    {
        Dictionary<string, List<(double Rps, double P99)>> results = Configurations.ToDictionary(c => c.Name, _ => new List<(double, double)>());
        for (int round = 0; round < Rounds; round++)
        {
            foreach ((string name, string[] args) in Configurations)
            {
                results[name].Add(Measure(args));
            }
        }

        StringBuilder md = new();
        md.AppendLine($"| Service | requests/s (median of {Rounds}) | runs | p99 latency (median) | vs without |");
        md.AppendLine("|---|---|---|---|---|");
        double baseline = Median(results[Configurations[0].Name].Select(r => r.Rps));
        foreach ((string name, _) in Configurations)
        {
            double rps = Median(results[name].Select(r => r.Rps));
            double p99 = Median(results[name].Select(r => r.P99));
            string runs = string.Join(", ", results[name].Select(r => r.Rps.ToString("N0")));
            md.AppendLine($"| {name} | {rps:N0} | {runs} | {p99:0.00} ms | {(rps / baseline - 1) * 100:+0.0;-0.0} % |");
        }

        md.AppendLine();
        md.AppendLine(SampleCost());
        return md.ToString();
    }

    /// <summary>The monitor's own work per sample, measured in-process: read /proc and the runtime, feed every detector.</summary>
    private static string SampleCost()
    {
        const int samples = 5000;
        using LeakHound.Hosting.SelfSignalSource source = new(watchRuntime: true);
        LeakHound.Hosting.LeakMonitor monitor = new(Core.Detection.DetectorOptions.Default, Core.Detection.Limits.None);
        Probes.SignalReadings readings = new(0);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        Stopwatch clock = Stopwatch.StartNew();
        for (int i = 0; i < samples; i++)
        {
            readings.Reset(i * 5.0, readCostly: false);
            source.ReadAsync(readings, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            monitor.Record(readings);
        }

        double micros = clock.Elapsed.TotalMicroseconds / samples;
        double allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)samples;
        return $"One sample of {readings.Values.Count} signals (read + detect): {micros:0.0} µs and {allocated:N0} B allocated, "
            + $"i.e. {micros / 5e6 * 100:0.0000} % of one core at the default 5 s interval and {micros / 1e5 * 100:0.00} % at 100 ms.";
    }

    private static (double Rps, double P99) Measure(string[] serviceArgs)
    {
        int port = Repo.FreePort();
        ProcessStartInfo info = new("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Repo.Built("samples/LeakHound.SampleService", "LeakHound.SampleService.dll"));
        foreach (string a in (string[])["--urls", $"http://127.0.0.1:{port}", .. serviceArgs])
        {
            info.ArgumentList.Add(a);
        }

        using Process service = Process.Start(info)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, _) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();
        try
        {
            using HttpClient client = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            WaitReady(client);
            Load(client, WarmupSeconds);
            return Load(client, MeasureSeconds);
        }
        finally
        {
            service.Kill(entireProcessTree: true);
            service.WaitForExit();
        }
    }

    private static void WaitReady(HttpClient client)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                client.GetAsync("/health").GetAwaiter().GetResult().Dispose();
                return;
            }
            catch (HttpRequestException)
            {
                Thread.Sleep(100);
            }
        }

        throw new TimeoutException("the sample service did not start in 30 s");
    }

    /// <summary>Closed loop: <see cref="Concurrency"/> clients, each sending its next request when the last returns.</summary>
    private static (double Rps, double P99) Load(HttpClient client, double seconds)
    {
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan end = TimeSpan.FromSeconds(seconds);
        List<double>[] latencies = Enumerable.Range(0, Concurrency).Select(_ => new List<double>(100_000)).ToArray();
        Task[] workers = Enumerable.Range(0, Concurrency).Select(w => Task.Run(async () =>
        {
            while (clock.Elapsed < end)
            {
                long start = Stopwatch.GetTimestamp();
                using HttpResponseMessage r = await client.GetAsync("/work?kb=4");
                r.EnsureSuccessStatusCode();
                latencies[w].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        Task.WaitAll(workers);
        double[] all = latencies.SelectMany(l => l).Order().ToArray();
        return (all.Length / clock.Elapsed.TotalSeconds, all.Length == 0 ? double.NaN : all[(int)(0.99 * (all.Length - 1))]);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] v = values.Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }
}
