using LeakHound.Core.Traces;

namespace LeakHound.Cli.Watching;

/// <summary>
/// The <c>--out</c> file. Each sample is flushed, so a crash loses at most the current one; a write failure (full disk,
/// removed mount) is reported once and the watch goes on in memory.
/// </summary>
public sealed class SafeTraceWriter : IDisposable
{
    private readonly string _path;
    private readonly TextWriter _warnings;
    private TraceWriter? _writer;

    private SafeTraceWriter(string path, TraceWriter writer, TextWriter warnings)
    {
        _path = path;
        _writer = writer;
        _warnings = warnings;
    }

    public static SafeTraceWriter Open(string path, TextWriter warnings)
    {
        try
        {
            StreamWriter stream = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = false };
            return new SafeTraceWriter(path, new TraceWriter(stream, TraceWriter.FormatFor(path)), warnings);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
        {
            throw new LeakHoundException($"cannot write '{path}': {e.Message}");
        }
    }

    public bool Failed => _writer is null;

    public void Write(double t, string series, double value)
    {
        if (_writer is null)
        {
            return;
        }

        try
        {
            _writer.Write(t, series, value);
        }
        catch (IOException e)
        {
            Fail(e);
        }
    }

    /// <summary>Flushes the samples of one sampling round.</summary>
    public void Flush()
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
        _warnings.WriteLine($"leakhound: cannot write '{_path}' any more ({e.Message}); the watch goes on in memory");
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

        _writer = null; // disposing twice (early for a report, then by using) is fine
    }
}
