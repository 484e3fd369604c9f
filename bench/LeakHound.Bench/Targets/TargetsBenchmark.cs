using System.Diagnostics;
using System.Globalization;
using System.Net.Http;
using System.Text;
using System.Text.Json;

namespace LeakHound.Bench.Targets;

/// <summary>
/// What a watched process costs the watcher per round: the same N idle processes watched as one tree (their parent's
/// --pid) and as N separate --pid targets, by the real <c>leakhound watch</c>, beside Debian's pidstat and
/// prometheus-process-exporter on the same processes in the same run. Each cost is a difference of two runs (a short and
/// a long one), so start-up and JIT cancel out: CPU per round, divided by the processes.
/// </summary>
internal static class TargetsBenchmark
{
    private const double ShortSeconds = 5;
    private const double LongSeconds = 25;

    public static string Run(int[] counts)
    {
        StringBuilder md = new();
        md.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Idle `sleep` processes; CPU (user + system) per round (1 s interval) and per process, from the difference of a {ShortSeconds:0} s and a {LongSeconds:0} s run of each tool (start-up cancels out). `leakhound watch --no-store --format json` (its JSON checked to parse and to list every target), `pidstat -u -r -p PIDS 1`, `prometheus-process-exporter` scraped once a second."));
        md.AppendLine();
        md.AppendLine("| processes | LeakHound, one tree | LeakHound, separate --pid targets | separate ÷ tree | pidstat | process-exporter |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (int n in counts)
        {
            List<Process> separate = [.. Enumerable.Range(0, n).Select(_ => Process.Start(new ProcessStartInfo("sleep", "3600") { UseShellExecute = false })!)];
            using Process tree = Process.Start(new ProcessStartInfo("sh", ["-c", $"for i in $(seq {n}); do sleep 3600 & done; wait"]) { UseShellExecute = false })!;
            try
            {
                Thread.Sleep(1000);
                string[] pids = [.. separate.Select(p => p.Id.ToString(CultureInfo.InvariantCulture))];
                double treeCost = PerRound(s => LeakHoundCpu(["--pid", tree.Id.ToString(CultureInfo.InvariantCulture)], s, 1)) / (n + 1);
                double separateCost = PerRound(s => LeakHoundCpu([.. pids.SelectMany(p => new[] { "--pid", p })], s, n)) / n;
                double pidstatCost = PerRound(s => TimedCpu("pidstat", ["-u", "-r", "-p", string.Join(',', pids), "1", ((int)s).ToString(CultureInfo.InvariantCulture)])) / n;
                double exporterCost = PerRound(ExporterCpu) / (n + 1);
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {n:N0} | {Us(treeCost)} | {Us(separateCost)} | {separateCost / treeCost:0.00}× | {Us(pidstatCost)} | {Us(exporterCost)} |");
                md.AppendLine(row);
                Console.Error.WriteLine(row); // a row as soon as it is measured: a run of 1,000 processes takes minutes
            }
            finally
            {
                foreach (Process p in separate)
                {
                    p.Kill();
                    p.Dispose();
                }

                tree.Kill(entireProcessTree: true);
            }
        }

        md.AppendLine();
        md.AppendLine("µs of CPU per process per round. process-exporter counts every `sleep` on the machine (both sets), so its row is per process it read.");
        return md.ToString();
    }

    private static string Us(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds * 1e6:0.0} µs");

    /// <summary>CPU seconds per round: the long run's CPU less the short run's, over the rounds between them.</summary>
    private static double PerRound(Func<double, double> cpuOfRun) => (cpuOfRun(LongSeconds) - cpuOfRun(ShortSeconds)) / (LongSeconds - ShortSeconds);

    private static double LeakHoundCpu(string[] targets, double seconds, int expectedTargets)
    {
        string dll = Repo.Built("src/LeakHound.Cli", "leakhound.dll");
        (double cpu, string stdout) = Timed("dotnet", [dll, "watch", .. targets, "--duration", $"{seconds}s", "--no-store", "--format", "json"]);
        using JsonDocument doc = JsonDocument.Parse(stdout); // a cut-short document throws here
        int listed = doc.RootElement.GetProperty("targets").GetArrayLength();
        if (listed != expectedTargets)
        {
            throw new InvalidOperationException($"leakhound listed {listed} targets");
        }

        return cpu;
    }

    private static double TimedCpu(string file, string[] args) => Timed(file, args).Cpu;

    /// <summary>Runs a command under GNU time; its user + system seconds and its stdout.</summary>
    private static (double Cpu, string Stdout) Timed(string file, string[] args)
    {
        ProcessStartInfo info = new("/usr/bin/time") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-f", "CPU %U %S", file }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish");
        }

        string line = stderr.Result.Split('\n').Last(l => l.StartsWith("CPU ", StringComparison.Ordinal));
        string[] parts = line.Split(' ');
        return (double.Parse(parts[1], CultureInfo.InvariantCulture) + double.Parse(parts[2], CultureInfo.InvariantCulture), stdout.Result);
    }

    /// <summary>process-exporter's CPU while it is scraped once a second for <paramref name="seconds"/> (read from its /proc stat).</summary>
    private static double ExporterCpu(double seconds)
    {
        int port = Repo.FreePort();
        using Process exporter = Process.Start(new ProcessStartInfo("prometheus-process-exporter", ["-procnames", "sleep", "-web.listen-address", $"127.0.0.1:{port}"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        try
        {
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(5) };
            Stopwatch up = Stopwatch.StartNew();
            while (up.Elapsed < TimeSpan.FromSeconds(10))
            {
                try
                {
                    http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
                    break;
                }
                catch (HttpRequestException)
                {
                    Thread.Sleep(100);
                }
            }

            for (int i = 0; i < seconds; i++)
            {
                http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
                Thread.Sleep(1000);
            }

            string[] stat = File.ReadAllText($"/proc/{exporter.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return (long.Parse(stat[11], CultureInfo.InvariantCulture) + long.Parse(stat[12], CultureInfo.InvariantCulture)) / 100.0; // utime, stime in clock ticks
        }
        finally
        {
            exporter.Kill();
        }
    }
}
