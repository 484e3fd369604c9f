using LeakHound.Core.Series;
using LeakHound.Core.Traces;

namespace LeakHound.Watching.Sinks;

/// <summary>
/// The <c>--out</c> trace: every sample, flushed at the end of every round, so a crash loses at most the round in
/// flight. Series are named <c>target/series</c> when the watch has several targets. A write failure (full disk, removed
/// mount) is a notice, once, and the watch goes on in memory.
/// </summary>
public sealed class TraceFileSink : IWatchSink, IDisposable
{
    private readonly string _path;
    private TraceWriter? _writer;
    private WatchEngine? _watch;
    private bool _prefix;

    private TraceFileSink(string path, TraceWriter writer)
    {
        _path = path;
        _writer = writer;
    }

    /// <summary>Creates (or truncates) the trace file; its format follows its extension (.csv, .jsonl).</summary>
    /// <exception cref="WatchException">The file cannot be created.</exception>
    public static TraceFileSink Open(string path)
    {
        try
        {
            StreamWriter stream = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = false };
            return new TraceFileSink(path, new TraceWriter(stream, TraceWriter.FormatFor(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new WatchException($"cannot write '{path}': {e.Message}");
        }
    }

    public bool Failed => _writer is null;

    public void OnStart(WatchEngine watch)
    {
        _watch = watch;
        _prefix = watch.Targets.Count > 1;
    }

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value)
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            _writer.Write(t, _prefix ? key.ToString() : key.Name, value);
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    public void OnRoundEnd(WatchEngine watch) => Flush();

    public Task OnStoppedAsync(WatchEngine watch)
    {
        Dispose(); // complete on disk before anything reads it
        return Task.CompletedTask;
    }

    private void Flush()
    {
        try
        {
            _writer?.Flush();
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    private void Fail(IOException e)
    {
        _watch?.Notice($"cannot write '{_path}' any more ({e.Message}); the watch goes on in memory");
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // the buffered tail cannot be written either
        }

        _writer = null;
    }

    public void Dispose()
    {
        Flush();
        try
        {
            _writer?.Dispose();
        }
        catch (IOException)
        {
            // reported by Flush already
        }

        _writer = null;
    }
}
