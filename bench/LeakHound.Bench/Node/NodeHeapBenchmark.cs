using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LeakHound.Probes.Node;
using LeakHound.Probes.Node.Snapshots;

namespace LeakHound.Bench.Node;

/// <summary>
/// Node heaps of small objects (about 100 MB and 500 MB): what explaining them costs the target — the pause and peak
/// RSS of a sampling heap profile read against one heap snapshot — and what analysing the snapshot costs LeakHound
/// (its streaming parser and summary, retainer paths) against memlab's heap analysis on the same file, in one run.
/// </summary>
internal static class NodeHeapBenchmark
{
    public static string Run(int[] heapMegabytes)
    {
        string memlab = Path.Combine(Repo.Root, "bench", "LeakHound.Bench", "Node", "memlab");
        if (!Directory.Exists(Path.Combine(memlab, "node_modules")))
        {
            Exec("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], memlab, new() { ["PUPPETEER_SKIP_DOWNLOAD"] = "1" });
        }

        StringBuilder md = new();
        md.AppendLine("| heap used | objects | sampling read: wall ms | target peak RSS after | snapshot: target paused s | file | target peak RSS after "
            + "| LeakHound parse+summary s | nodes/s | bench RSS rise | + retainer paths s | memlab parse s | memlab peak RSS | memlab full (dominators) s | memlab full peak RSS |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int mb in heapMegabytes)
        {
            md.AppendLine(Measure(mb, memlab));
        }

        return md.ToString();
    }

    private static string Measure(int mb, string memlab)
    {
        string script = Path.Combine(Repo.Root, "bench", "LeakHound.Bench", "Node", "heap.js");
        string file = Path.Combine(Path.GetTempPath(), $"leakhound-bench-{mb}.heapsnapshot");
        using Process node = Process.Start(new ProcessStartInfo("node", ["--max-old-space-size=16384", "--inspect-port=0", script, mb.ToString(CultureInfo.InvariantCulture)])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        node.ErrorDataReceived += (_, _) => { };
        node.BeginErrorReadLine();
        try
        {
            string ready = node.StandardOutput.ReadLine() ?? throw new InvalidOperationException("heap.js did not start");
            long heapUsed = long.Parse(ready.Split(' ')[1], CultureInfo.InvariantCulture);
            InspectorSession session = NodeInspector.AttachAsync(node.Id, TimeSpan.FromSeconds(10), default).GetAwaiter().GetResult();
            try
            {
                // Sampling: start, let it run, then the read an explanation makes (a full GC and the profile).
                session.SendAsync("HeapProfiler.startSampling", new { samplingInterval = NodeExplainer.DefaultSamplingInterval }, default).GetAwaiter().GetResult();
                Thread.Sleep(1000);
                Stopwatch read = Stopwatch.StartNew();
                session.SendAsync("HeapProfiler.collectGarbage", null, default).GetAwaiter().GetResult();
                session.SendAsync("HeapProfiler.getSamplingProfile", null, default).GetAwaiter().GetResult();
                read.Stop();
                session.SendAsync("HeapProfiler.stopSampling", null, default).GetAwaiter().GetResult();
                long hwmSampling = PeakRss(node.Id);

                (SnapshotTaken taken, HeapSnapshot _) = SnapshotTaker.TakeAsync(session, file, 0, default).GetAwaiter().GetResult();
                long hwmSnapshot = PeakRss(node.Id);
                session.CloseAsync().GetAwaiter().GetResult();
                node.Kill();

                // LeakHound's analysis of the file, in this process, after a collection (its own rise measured).
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long before = CurrentRss();
                long peakBefore = PeakRss(Environment.ProcessId);
                Stopwatch parse = Stopwatch.StartNew();
                HeapSnapshot snapshot = HeapSnapshot.Read(file);
                SnapshotSummary summary = SnapshotSummary.Of(snapshot);
                parse.Stop();
                Stopwatch paths = Stopwatch.StartNew();
                RetainerPaths retainers = new(snapshot);
                paths.Stop();
                long rise = Math.Max(0, PeakRss(Environment.ProcessId) - Math.Max(before, peakBefore));
                GC.KeepAlive(retainers);
                GC.KeepAlive(summary);

                JsonElement lab = Memlab(memlab, file, full: false);
                JsonElement labFull = Memlab(memlab, file, full: true);
                return string.Create(CultureInfo.InvariantCulture,
                    $"| {heapUsed / 1048576.0:N0} MB | {snapshot.NodeCount:N0} | {read.Elapsed.TotalMilliseconds:N0} | {hwmSampling / 1048576.0:N0} MB | {taken.PauseSeconds:N1} | {taken.FileBytes / 1048576.0:N0} MB | {hwmSnapshot / 1048576.0:N0} MB "
                    + $"| {parse.Elapsed.TotalSeconds:N1} | {snapshot.NodeCount / parse.Elapsed.TotalSeconds / 1e6:N2} M | {(peakBefore > before ? "≤ " : "")}{rise / 1048576.0:N0} MB | {paths.Elapsed.TotalSeconds:N1} "
                    + $"| {lab.GetProperty("ms").GetDouble() / 1000:N1} | {lab.GetProperty("maxRssKiB").GetInt64() / 1024.0:N0} MB | {labFull.GetProperty("ms").GetDouble() / 1000:N1} | {labFull.GetProperty("maxRssKiB").GetInt64() / 1024.0:N0} MB |");
            }
            finally
            {
                session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }

            File.Delete(file);
        }
    }

    private static JsonElement Memlab(string dir, string file, bool full)
    {
        string output = Exec("node", ["--max-old-space-size=16384", Path.Combine(dir, "parse.js"), file, full ? "full" : "parse"], dir, []);
        return JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
    }

    private static long PeakRss(int pid) => Status(pid, "VmHWM:");

    private static long CurrentRss() => Status(Environment.ProcessId, "VmRSS:");

    private static long Status(int pid, string field)
    {
        string line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    private static string Exec(string file, string[] args, string dir, Dictionary<string, string> env)
    {
        ProcessStartInfo info = new(file, args) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string k, string v) in env)
        {
            info.Environment[k] = v;
        }

        using Process p = Process.Start(info)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {err.Result}");
    }
}
