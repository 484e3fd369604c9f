using Microsoft.Win32.SafeHandles;

namespace LeakHound.Probes.Proc;

/// <summary>
/// A /proc file kept open and re-read from offset 0 each sample: about 2–4 µs instead of an open/read/close each time.
/// Not thread-safe; one instance per sampler.
/// </summary>
internal sealed class ProcFile : IDisposable
{
    private readonly SafeFileHandle _handle;
    private byte[] _buffer;

    private ProcFile(SafeFileHandle handle, int initialSize)
    {
        _handle = handle;
        _buffer = new byte[initialSize];
    }

    /// <summary>Opens the file, or returns null when it does not exist or may not be read (the process is gone or foreign).</summary>
    public static ProcFile? TryOpen(string path, int initialSize = 4096)
    {
        try
        {
            return new ProcFile(File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), initialSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The current contents; empty when the process has exited (reads then fail with ESRCH).</summary>
    public ReadOnlySpan<byte> Read()
    {
        try
        {
            while (true)
            {
                int n = RandomAccess.Read(_handle, _buffer, 0);
                if (n < _buffer.Length)
                {
                    return _buffer.AsSpan(0, n);
                }

                _buffer = new byte[_buffer.Length * 2]; // a /proc file has no size: grow until it fits
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    public void Dispose() => _handle.Dispose();
}
