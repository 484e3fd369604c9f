namespace LeakHound.Probes.Node;

/// <summary>
/// A Node.js process's own memory gauges as a source (<c>--node-inspector</c>), for services that expose no
/// <c>/metrics</c>: through its inspector, each round, the JS heap used and total, external memory and array buffers,
/// named as prom-client names them so that the detector judges them as it would a scrape. The inspector is opened in
/// the background (a round never waits on it; a launched process is given a few seconds to install its SIGUSR1
/// handler), and closed again when the watch ends. A failure is told once; the watch goes on with its other signals.
/// </summary>
/// <param name="pid">The Node.js process.</param>
/// <param name="label">The target's label, for notices.</param>
/// <param name="readTimeout">Longest a round's read may take.</param>
public sealed class NodeInspectorSource(int pid, string label, TimeSpan readTimeout) : ISignalSource
{
    public const string HeapUsed = "nodejs_heap_size_used_bytes";
    public const string HeapTotal = "nodejs_heap_size_total_bytes";
    public const string External = "nodejs_external_memory_bytes";
    public const string ArrayBuffers = "nodejs_array_buffers_bytes";

    /// <summary>A launched process catches SIGUSR1 only once its start-up got that far: asked again for this long.</summary>
    private const double StartingSeconds = 10;

    private Task<InspectorSession>? _attaching;
    private double _firstAttempt = double.NaN;
    private bool _gaveUp;
    private bool _failing;
    private string? _opened;

    public int Pid => pid;

    /// <summary>The session, once open (explanations use it too), or null.</summary>
    public InspectorSession? Session => _attaching is { IsCompletedSuccessfully: true } done ? done.Result : null;

    /// <summary>The session, waiting (up to <paramref name="limit"/>) for one being opened.</summary>
    /// <exception cref="NodeInspectorException">The inspector could not be opened.</exception>
    public async Task<InspectorSession> SessionAsync(TimeSpan limit)
    {
        DateTime until = DateTime.UtcNow + limit;
        while (_attaching is null && !_gaveUp && DateTime.UtcNow < until)
        {
            await Task.Delay(100);
        }

        if (_attaching is not { } attaching)
        {
            throw new NodeInspectorException($"{label}: its Node inspector was not opened");
        }

        try
        {
            return await attaching.WaitAsync(until - DateTime.UtcNow > TimeSpan.Zero ? until - DateTime.UtcNow : TimeSpan.Zero);
        }
        catch (TimeoutException)
        {
            throw new NodeInspectorException($"{label}: its Node inspector did not open within {limit.TotalSeconds:0.#}s");
        }
    }

    public async ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        if (Interlocked.Exchange(ref _opened, null) is { } opened)
        {
            into.Notice(opened);
        }

        if (Session is not { } session)
        {
            Attach(into);
            return;
        }

        try
        {
            using CancellationTokenSource limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            limit.CancelAfter(readTimeout);
            NodeMemory memory = await NodeMemory.ReadAsync(session, limit.Token);
            into.Add(HeapUsed, memory.HeapUsed);
            into.Add(HeapTotal, memory.HeapTotal);
            into.Add(External, memory.External);
            into.Add(ArrayBuffers, memory.ArrayBuffers);
            _failing = false;
        }
        catch (Exception e) when (e is NodeInspectorException || e is OperationCanceledException && !cancel.IsCancellationRequested)
        {
            if (!_failing)
            {
                into.Notice($"{label}: the Node inspector did not answer ({(e is NodeInspectorException ? e.Message : $"no answer within {readTimeout.TotalSeconds:0.#}s")})");
            }

            _failing = true;
        }
    }

    private void Attach(SignalReadings into)
    {
        if (_gaveUp || _attaching is { IsCompleted: false })
        {
            return;
        }

        if (_attaching is { IsFaulted: true } failed)
        {
            string why = failed.Exception!.InnerException?.Message ?? failed.Exception.Message;
            bool starting = why.Contains("does not catch SIGUSR1", StringComparison.Ordinal) && into.T - _firstAttempt < StartingSeconds;
            if (!starting)
            {
                _gaveUp = true;
                into.Notice($"{label}: no Node inspector: {why}; the watch goes on with its other signals");
                return;
            }
        }

        if (double.IsNaN(_firstAttempt))
        {
            _firstAttempt = into.T;
        }

        _attaching = Task.Run(async () =>
        {
            if (NodeInspector.CatchesSigusr1(pid) == false)
            {
                await Task.Delay(500);
            }

            InspectorSession session = await NodeInspector.AttachAsync(pid, TimeSpan.FromSeconds(5), CancellationToken.None);
            // Told by the next round: the readings belong to the round's thread.
            Volatile.Write(ref _opened, session.OpenedByUs
                ? $"{label}: opened its Node inspector on 127.0.0.1:{session.Port} (SIGUSR1), closed again when the watch ends"
                : $"{label}: reading its Node inspector, already open on 127.0.0.1:{session.Port}");
            return session;
        });
    }

    public void Dispose()
    {
        if (_attaching is null)
        {
            return;
        }

        try
        {
            // An attach still under way is waited for, so that an inspector it opens is closed too.
            if (_attaching.Wait(TimeSpan.FromSeconds(10)) && _attaching.Result is { } session)
            {
                session.CloseAsync().Wait(TimeSpan.FromSeconds(10));
            }
        }
        catch (AggregateException)
        {
            // failed to attach (told), or the inspector still listens: CloseAsync's message is lost at disposal
        }
    }
}
