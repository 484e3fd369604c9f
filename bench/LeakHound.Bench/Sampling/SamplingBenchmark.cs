using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Probes.Proc;
using Microsoft.Win32.SafeHandles;

namespace LeakHound.Bench.Sampling;

/// <summary>
/// Cost of one sample per process: the LeakHound probe (status + descriptor count, PSS off) against the raw cost of
/// reading the same /proc data in a tight loop with handles kept open, on real child processes.
/// </summary>
internal static class SamplingBenchmark
{
    private const int Processes = 50;
    private const int Rounds = 2000;

    public static string Run()
    {
        List<Process> children = Enumerable.Range(0, Processes).Select(_ => Process.Start("sleep", "600")).ToList();
        using Process tree = Process.Start(new ProcessStartInfo("sh", ["-c", string.Join(" ", Enumerable.Repeat("sleep 600 &", Processes)) + " wait"]))!;
        try
        {
            Thread.Sleep(500);
            int[] pids = children.Select(c => c.Id).ToArray();
            double raw = RawReadNs(pids, withChildren: false);
            double rawTree = RawReadNs(pids, withChildren: true);
            double probe;
            using (ProcessTreeSampler sampler = new(pids, includeChildren: false))
            {
                probe = TimeNs(() => sampler.Sample(readPss: false)) / Processes;
            }

            double withTree;
            using (ProcessTreeSampler sampler = new([tree.Id], includeChildren: true))
            {
                sampler.Sample(false);
                withTree = TimeNs(() => sampler.Sample(readPss: false)) / (Processes + 1);
            }

            double pss;
            using (ProcessTreeSampler sampler = new(pids, includeChildren: false))
            {
                pss = TimeNs(() => sampler.Sample(readPss: true)) / Processes;
            }

            StringBuilder md = new();
            md.AppendLine($"{Processes} `sleep` processes, {Rounds} rounds each, handles kept open.");
            md.AppendLine();
            md.AppendLine("| what | µs per process per sample | vs raw | processes one core can sample at 1 Hz |");
            md.AppendLine("|---|---|---|---|");
            Row(md, "raw: pread status + stat(fd dir), tight loop", raw, raw);
            Row(md, "LeakHound probe (RSS, anon, swap, threads, FDs)", probe, raw);
            Row(md, "raw: the same + pread of the main thread's children file, tight loop", rawTree, raw);
            Row(md, "LeakHound probe + tree discovery (single-threaded parents: kept-open children file)", withTree, raw);
            Row(md, "LeakHound probe + PSS (smaps_rollup, read every 10 s by default)", pss, raw);
            md.AppendLine();
            md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"Probe + tree discovery against the raw reads of the same files (status, fd stat, children file): {withTree / rawTree:0.00}×."));
            return md.ToString();
        }
        finally
        {
            children.ForEach(c => { c.Kill(); c.Dispose(); });
            tree.Kill(entireProcessTree: true);
        }
    }

    private static void Row(StringBuilder md, string what, double ns, double raw) =>
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {ns / 1000:0.0} | {ns / raw:0.00}× | {1e9 / ns:N0} |"));

    private static double RawReadNs(int[] pids, bool withChildren)
    {
        SafeFileHandle[] handles = pids.Select(p => File.OpenHandle($"/proc/{p}/status")).ToArray();
        SafeFileHandle[] children = withChildren ? pids.Select(p => File.OpenHandle($"/proc/{p}/task/{p}/children")).ToArray() : [];
        string[] fdDirs = pids.Select(p => $"/proc/{p}/fd").ToArray();
        byte[] buffer = new byte[4096];
        try
        {
            return TimeNs(() =>
            {
                for (int i = 0; i < handles.Length; i++)
                {
                    RandomAccess.Read(handles[i], buffer, 0);
                    _ = NativeStat.Size(fdDirs[i]);
                    if (withChildren)
                    {
                        RandomAccess.Read(children[i], buffer, 0);
                    }
                }
            }) / pids.Length;
        }
        finally
        {
            foreach (SafeFileHandle h in handles.Concat(children))
            {
                h.Dispose();
            }
        }
    }

    private static double TimeNs(Action round)
    {
        for (int i = 0; i < 50; i++)
        {
            round();
        }

        Stopwatch sw = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++)
        {
            round();
        }

        return sw.Elapsed.TotalNanoseconds / Rounds;
    }
}
