using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Probes.DotNet.Heap;

namespace LeakHound.Bench.Heap;

/// <summary>
/// Pause imposed on a target by a heap snapshot (the runtime writing a dump with heap) and the time LeakHound then
/// needs to read it (live-object marking + type histogram + one retention path), for live heaps of 100 MB and 1 GB.
/// The target is this same program in <c>heap-target</c> mode, holding that many bytes in 88-byte objects.
/// </summary>
internal static class HeapSnapshotBenchmark
{
    public static string Run(IEnumerable<int> sizesMb)
    {
        StringBuilder md = new();
        md.AppendLine("| live heap | objects | target paused (dump written) | dump size | LeakHound read: mark + histogram | retention path |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (int mb in sizesMb)
        {
            using Process target = StartTarget(mb);
            try
            {
                using HeapSnapshot snapshot = HeapSnapshot.Take(target.Id, Path.GetTempPath());
                Stopwatch read = Stopwatch.StartNew();
                Dictionary<string, TypeStats> histogram = snapshot.Histogram();
                read.Stop();
                Stopwatch path = Stopwatch.StartNew();
                Dictionary<string, IReadOnlyList<string>> paths = RetentionPaths.Find(snapshot.Runtime, ["LeakHound.Bench.Heap.Payload"]);
                path.Stop();
                long objects = histogram.Values.Sum(s => s.Count);
                long bytes = histogram.Values.Sum(s => s.Bytes);
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {bytes / 1e6:0} MB | {objects:N0} | {snapshot.Pause.TotalSeconds:0.00} s | {snapshot.DumpBytes / 1e6:0} MB | {read.Elapsed.TotalSeconds:0.00} s | {path.Elapsed.TotalSeconds:0.00} s ({(paths.ContainsKey("LeakHound.Bench.Heap.Payload") ? "found" : "not found")}) |"));
            }
            finally
            {
                target.Kill();
            }
        }

        return md.ToString();
    }

    private static Process StartTarget(int mb)
    {
        string self = typeof(HeapSnapshotBenchmark).Assembly.Location;
        ProcessStartInfo info = new("dotnet", [self, "heap-target", mb.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true };
        Process p = Process.Start(info)!;
        string? ready = p.StandardOutput.ReadLine(); // "ready" once the heap is built
        if (ready != "ready")
        {
            throw new InvalidOperationException("heap target did not start");
        }

        return p;
    }

    /// <summary>The target: a linked list of 88-byte payloads, kept alive by a static field, then waits to be killed.</summary>
    public static void HoldHeap(int mb)
    {
        long count = mb * 1_000_000L / 88; // 88 bytes per Payload on x64
        Payload? head = null;
        for (long i = 0; i < count; i++)
        {
            head = new Payload(head, i);
        }

        Payload.Root = head;
        GC.Collect();
        Console.WriteLine("ready");
        Thread.Sleep(TimeSpan.FromMinutes(10));
    }
}

/// <summary>88 bytes per instance on x64: header and method table, next pointer, a long, a 56-byte inline tuple.</summary>
internal sealed class Payload(Payload? next, long id)
{
    public static Payload? Root;

    public Payload? Next { get; } = next;

    public long Id { get; } = id;

    public (long, long, long, long, long, long, long) Padding { get; } = (id, id, id, id, id, id, id);
}
