using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace LeakHound.Probes.Node.Snapshots;

/// <summary>One heap snapshot taken: when, how long the target was paused, how big it was.</summary>
public sealed record SnapshotTaken(double T, double PauseSeconds, long FileBytes, int Nodes, int Edges);

/// <summary>
/// Takes a heap snapshot through the inspector: <c>HeapProfiler.takeHeapSnapshot</c> streams its chunks as events,
/// written straight to a file (never held in memory), and answers when done — the time in between the target was
/// paused. Before each one, what it may cost is weighed against the target's headroom.
/// </summary>
public static class SnapshotTaker
{
    /// <summary>
    /// How many times its used heap a target's memory may rise while it writes a snapshot of small objects: measured
    /// 18× (112 MB heap → 2.0 GB) and 20× (298 MB → 6.1 GB) on Node 20 (../shared/notes/explain-node-go.md).
    /// </summary>
    public const double RiseOverHeap = 20;

    /// <summary>Refuses when the estimated rise does not fit the headroom.</summary>
    /// <exception cref="NodeInspectorException">The snapshot could get the target OOM-killed.</exception>
    public static void CheckHeadroom(int pid, NodeMemory memory, double? headroomBytes)
    {
        double cost = memory.HeapUsed * RiseOverHeap;
        if (headroomBytes is { } room && cost > room)
        {
            throw new NodeInspectorException($"no heap snapshot of PID {pid}: writing one may raise its memory by up to {Core.Units.Quantity.FormatBytes(cost)} "
                + $"({RiseOverHeap:0}× its {Core.Units.Quantity.FormatBytes(memory.HeapUsed)} heap), more than the {Core.Units.Quantity.FormatBytes(room)} it has left; "
                + "the sampled allocation sites are the cheap explanation");
        }
    }

    /// <summary>The headroom of a process: its cgroup's limit less its resident memory, and the machine's available memory.</summary>
    public static double? Headroom(int pid, long rss)
    {
        double? room = null;
        if (Cgroups.MemoryLimits.FromCgroup(pid, "/proc", "/sys/fs/cgroup") is { } limit)
        {
            room = limit.Bytes - rss;
        }

        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal)
                    && long.TryParse(line["MemAvailable:".Length..].Trim().Split(' ')[0], out long kib))
                {
                    room = Math.Min(room ?? double.MaxValue, kib * 1024.0);
                }
            }
        }
        catch (IOException)
        {
            // no meminfo: the cgroup's word only
        }

        return room;
    }

    /// <summary>Takes one snapshot into <paramref name="path"/>.</summary>
    /// <exception cref="NodeInspectorException">The inspector failed, or the snapshot is no snapshot.</exception>
    public static async Task<(SnapshotTaken Taken, HeapSnapshot Snapshot)> TakeAsync(InspectorSession session, string path, double t, CancellationToken cancel)
    {
        Stopwatch pause;
        await using (FileStream file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            Exception? writeFailed = null;
            session.OnEvent = (method, parameters) =>
            {
                if (method == "HeapProfiler.addHeapSnapshotChunk" && writeFailed is null
                    && parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("chunk", out JsonElement chunk))
                {
                    try
                    {
                        file.Write(Encoding.UTF8.GetBytes(chunk.GetString() ?? ""));
                    }
                    catch (IOException e)
                    {
                        writeFailed = e;
                    }
                }
            };
            pause = Stopwatch.StartNew();
            try
            {
                await session.SendAsync("HeapProfiler.takeHeapSnapshot", new { reportProgress = false }, cancel, TimeSpan.FromMinutes(10));
            }
            finally
            {
                pause.Stop();
                session.OnEvent = null;
            }

            if (writeFailed is not null)
            {
                throw new NodeInspectorException($"cannot write the heap snapshot to {path}: {writeFailed.Message}");
            }
        }

        HeapSnapshot snapshot = HeapSnapshot.Read(path);
        return (new SnapshotTaken(t, pause.Elapsed.TotalSeconds, new FileInfo(path).Length, snapshot.NodeCount, snapshot.EdgeCount), snapshot);
    }
}
