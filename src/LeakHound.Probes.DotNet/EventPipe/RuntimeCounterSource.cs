namespace LeakHound.Probes.DotNet.EventPipe;

/// <summary>
/// A .NET process's runtime counters as a source: attaches over EventPipe without changing or restarting the target
/// (a launched process publishes its diagnostic socket only after it starts: up to five attempts, a second apart), then
/// hands on each batch of counters, every full collection with the bytes it kept, and how resident memory splits
/// between the GC's committed memory and everything else (<c>dotnet_non_managed_bytes</c>).
/// </summary>
/// <param name="pid">The process whose runtime is read (the launched process, or the given PID).</param>
/// <param name="label">The target's label, for notices.</param>
/// <param name="intervalSeconds">The counters' interval.</param>
/// <param name="rootRss">The process's resident memory at this round, for the split.</param>
public sealed class RuntimeCounterSource(int pid, string label, double intervalSeconds, Func<double?> rootRss) : ISignalSource
{
    private const int MaxAttempts = 5;
    private RuntimeCounterSession? _session;
    private int _attempts;
    private double _lastAttempt = double.NegativeInfinity;
    private long _fullCollectionsRecorded;

    /// <summary>Attached: the target is a .NET process whose counters arrive.</summary>
    public bool Attached => _session is not null;

    public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        if (_session is null)
        {
            TryAttach(into);
            return ValueTask.CompletedTask;
        }

        IReadOnlyDictionary<string, double> batch = _session.TakeNew();
        (long fullCollections, double? liveAfter) = _session.FullCollections;
        if (fullCollections > _fullCollectionsRecorded && liveAfter is { } live)
        {
            into.AddFullCollection(live);
            _fullCollectionsRecorded = fullCollections;
        }

        foreach ((string series, double value) in batch)
        {
            into.Add(series, value);
        }

        double? managed = batch.TryGetValue(RuntimeCounterNames.GcCommitted, out double committed) ? committed
            : batch.TryGetValue(RuntimeCounterNames.GcHeapSize, out double heap) ? heap : null;
        if (managed is { } m && rootRss() is { } rss)
        {
            into.Add(RuntimeCounterNames.NonManaged, Math.Max(0, rss - m));
        }

        return ValueTask.CompletedTask;
    }

    private void TryAttach(SignalReadings into)
    {
        if (_attempts >= MaxAttempts || into.T - _lastAttempt < 1)
        {
            return;
        }

        _attempts++;
        _lastAttempt = into.T;
        _session = RuntimeCounterSession.TryStart(pid, intervalSeconds, out string? error);
        if (_session is not null)
        {
            into.Notice($"{label}: reading .NET runtime counters over EventPipe");
        }
        else if (_attempts == MaxAttempts && RuntimeCounterSession.IsDotnet(pid))
        {
            into.Notice($"{label}: .NET runtime counters unavailable ({error}); /proc signals only");
        }
    }

    public void Dispose() => _session?.Dispose();
}
