namespace LeakHound.Probes;

/// <summary>
/// Where a target's signals come from: the process tree under /proc, a Prometheus endpoint, a .NET runtime over
/// EventPipe, the service's own counters — each round the watch asks every source of a target for its readings. A
/// new kind of signal (a cgroup, Node's inspector, Go's pprof) is one more implementation; nothing else changes.
/// </summary>
/// <remarks>
/// A source never throws for a failed read (a refused scrape, a process that cannot be read): it reports a notice,
/// once per failure episode, and the watch goes on with the other sources. Only cancellation ends a read early.
/// </remarks>
public interface ISignalSource : IDisposable
{
    /// <summary>Reads this round's values into <paramref name="into"/>.</summary>
    ValueTask ReadAsync(SignalReadings into, CancellationToken cancel);

    /// <summary>True once the source has nothing more to read (a process tree whose processes all exited).</summary>
    bool Ended => false;
}
