using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace LeakHound.Probes.DotNet.EventPipe;

/// <summary>
/// Reads a .NET process's <c>System.Runtime</c> EventCounters over EventPipe (diagnostic IPC), without changing or
/// restarting the target. Batches arrive about one interval late on a background thread; <see cref="TakeNew"/> hands
/// each batch to the sampling loop once. The runtime's GC events (one start, end and heap-stats event per collection, at
/// Informational level: no allocation sampling) add what survived the last full collection.
/// </summary>
public sealed class RuntimeCounterSession : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reader;
    private readonly double _interval;
    private readonly object _gate = new();
    private Dictionary<string, double> _pending = new(StringComparer.Ordinal);

    /// <summary>Generation condemned by the collection that just ended; its heap-stats event follows its end event.</summary>
    private int _endedDepth = -1;
    private double? _liveAfterFullGc;
    private long _fullCollections;

    /// <summary>
    /// The latest full collection read from the stream (reader thread only). It is published with the next counter:
    /// a batch then says what was true when its counters were taken, and a heap size read just before a collection is
    /// never shown beside the larger live bytes of that collection.
    /// </summary>
    private double? _readLiveAfterFullGc;
    private long _readFullCollections;

    private RuntimeCounterSession(EventPipeSession session, double interval)
    {
        _session = session;
        _interval = interval;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Dynamic.All += OnEvent;
        _source.Clr.GCStop += e => _endedDepth = e.Depth;
        _source.Clr.GCHeapStats += OnHeapStats;
        _reader = Task.Run(() =>
        {
            try
            {
                _source.Process();
            }
            catch (Exception)
            {
                // the target exited or the session was stopped: the stream simply ends
            }
        });
    }

    /// <summary>True when the process publishes a diagnostic IPC endpoint (a .NET process with diagnostics enabled).</summary>
    public static bool IsDotnet(int pid) => DiagnosticEndpoint.Exists(pid);

    /// <summary>Starts a counter session, or returns null with the reason (not .NET, diagnostics disabled, no permission).</summary>
    public static RuntimeCounterSession? TryStart(int pid, double intervalSeconds, out string? error)
    {
        error = null;
        if (!IsDotnet(pid))
        {
            error = "not a .NET process with diagnostics enabled (no diagnostic IPC socket)";
            return null;
        }

        double interval = Math.Max(0.1, intervalSeconds);
        EventPipeProvider[] providers =
        [
            new("System.Runtime", EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = interval.ToString(CultureInfo.InvariantCulture) }),
            new(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC),
        ];
        try
        {
            EventPipeSession session = new DiagnosticsClient(pid).StartEventPipeSession(providers, requestRundown: false);
            return new RuntimeCounterSession(session, interval);
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or TimeoutException or IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Values that arrived since the last call (series name → value in the series' unit); empty if none. Each batch of
    /// counters also carries the bytes live after the latest full collection, once there has been one.
    /// </summary>
    public IReadOnlyDictionary<string, double> TakeNew()
    {
        lock (_gate)
        {
            if (_pending.Count == 0)
            {
                return _pending;
            }

            if (_liveAfterFullGc is { } live)
            {
                _pending[RuntimeCounterNames.LiveAfterFullGc] = live;
            }

            Dictionary<string, double> batch = _pending;
            _pending = new Dictionary<string, double>(StringComparer.Ordinal);
            return batch;
        }
    }

    /// <summary>Full (gen2) collections seen since the session started, and the bytes live after the latest one.</summary>
    public (long Count, double? LiveBytes) FullCollections
    {
        get
        {
            lock (_gate)
            {
                return (_fullCollections, _liveAfterFullGc);
            }
        }
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || outer.TryGetValue("Payload", out object? inner) is false || inner is not IDictionary<string, object> fields
            || fields.TryGetValue("Name", out object? nameObject) is false || nameObject is not string name)
        {
            return;
        }

        bool increment = fields.TryGetValue("Increment", out object? incrementValue);
        object? raw = increment ? incrementValue : fields.TryGetValue("Mean", out object? mean) ? mean : null;
        if (raw is null)
        {
            return;
        }

        double value = Convert.ToDouble(raw, CultureInfo.InvariantCulture);
        (string series, double factor, bool perInterval) = RuntimeCounterNames.For(name);
        if (increment && !perInterval)
        {
            perInterval = true; // an unknown counter of the increment kind is still a per-interval count
        }

        double result = perInterval ? value / _interval : value * factor;
        if (double.IsFinite(result))
        {
            lock (_gate)
            {
                _pending[series] = result;
                _liveAfterFullGc = _readLiveAfterFullGc;
                _fullCollections = _readFullCollections;
            }
        }
    }

    /// <summary>
    /// After a gen2 collection (blocking or background) the bytes promoted from every generation, large and pinned
    /// objects included, are what the program really retains. Between full collections the heap size also holds
    /// everything promoted to gen2 since the last one, a rise that looks like a leak over any span shorter than the gen2
    /// period.
    /// </summary>
    private void OnHeapStats(GCHeapStatsTraceData e)
    {
        if (_endedDepth != 2)
        {
            return;
        }

        _endedDepth = -1;
        double live = (double)e.TotalPromotedSize0 + e.TotalPromotedSize1 + e.TotalPromotedSize2 + e.TotalPromotedSize3 + e.TotalPromotedSize4;
        _readLiveAfterFullGc = live;
        _readFullCollections++;
    }

    public void Dispose()
    {
        try
        {
            _session.Stop();
        }
        catch (Exception)
        {
            // the target may already be gone
        }

        _reader.Wait(TimeSpan.FromSeconds(2));
        _source.Dispose();
        _session.Dispose();
    }
}
