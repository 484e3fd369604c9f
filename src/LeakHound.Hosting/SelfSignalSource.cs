using LeakHound.Probes;
using LeakHound.Probes.Proc;

namespace LeakHound.Hosting;

/// <summary>
/// The service's own signals: /proc (the same probe as <c>leakhound watch</c>, files kept open between reads) and the
/// runtime's in-process counters, which cost nothing to read — no EventPipe session is needed from inside.
/// </summary>
internal sealed class SelfSignalSource(bool watchRuntime) : ISignalSource
{
    public const string LiveAfterFullGc = "dotnet_gc_live_after_full_gc_bytes";

    private readonly ProcessTreeSampler? _proc = TryOpenSelf();

    public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        if (_proc is not null && _proc.Sample(readPss: false).Processes is [var self, ..])
        {
            into.Add("rss", self.RssBytes);
            into.Add("anon", self.AnonBytes);
            into.Add("threads", self.Threads);
            into.Add("fds", self.OpenFds);
        }

        if (watchRuntime)
        {
            if (LatestFullCollection() is { Index: > 0 } full)
            {
                into.Add(LiveAfterFullGc, full.PromotedBytes);
            }

            into.Add("dotnet_timers", Timer.ActiveCount);
            into.Add("dotnet_threadpool_threads", ThreadPool.ThreadCount);
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => _proc?.Dispose();

    /// <summary>
    /// What survived the last full (gen2) collection. The heap size between collections is the wrong floor for a
    /// service: objects promoted to gen2 pile up until the next gen2 collection, which may be minutes away, and that
    /// rise looks exactly like a leak over any span shorter than the gen2 period. Only a full collection says what is
    /// really retained; the series steps at each one and is flat in between.
    /// </summary>
    private static GCMemoryInfo? LatestFullCollection()
    {
        GCMemoryInfo blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        GCMemoryInfo background = GC.GetGCMemoryInfo(GCKind.Background);
        return blocking.Index >= background.Index ? blocking : background;
    }

    /// <summary>Null off Linux or without /proc: the runtime signals still work.</summary>
    private static ProcessTreeSampler? TryOpenSelf()
    {
        try
        {
            return new ProcessTreeSampler([Environment.ProcessId], includeChildren: false);
        }
        catch (Exception e) when (e is ProcessNotFoundException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            return null;
        }
    }
}
