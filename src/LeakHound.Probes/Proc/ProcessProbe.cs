namespace LeakHound.Probes.Proc;

/// <summary>Reads one process's signals from /proc, keeping its files open between samples.</summary>
internal sealed class ProcessProbe : IDisposable
{
    private static readonly Lazy<bool> s_statCountsFds = new(CheckStatCountsFds);
    private ProcFile _status;
    private readonly string _fdPath;
    private ProcFile? _smapsRollup;
    private ProcFile? _mainThreadChildren;
    private bool _pssUnavailable;
    private double? _lastPss;

    private ProcessProbe(int pid, string name, ProcFile status)
    {
        Pid = pid;
        Name = name;
        _status = status;
        _fdPath = $"/proc/{pid}/fd";
    }

    public int Pid { get; }

    public string Name { get; }

    public static ProcessProbe? TryOpen(int pid)
    {
        ProcFile? status = ProcFile.TryOpen($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        string name;
        try
        {
            name = File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            name = "?";
        }

        return new ProcessProbe(pid, name, status);
    }

    /// <summary>Reads the process; null once it has exited (or become a zombie with no memory).</summary>
    public ProcessSample? Read(bool readPss)
    {
        ReadOnlySpan<byte> status = _status.Read();
        double? rss = ProcParsing.Field(status, "VmRSS:"u8);
        if (rss is null && ProcFile.TryOpen($"/proc/{Pid}/status") is { } reopened)
        {
            // A handle opened before the process called execve() reads nothing afterwards: open it again once.
            _status.Dispose();
            _status = reopened;
            _mainThreadChildren?.Dispose();
            _mainThreadChildren = null;
            status = _status.Read();
            rss = ProcParsing.Field(status, "VmRSS:"u8);
        }

        if (rss is null)
        {
            return null; // exited, or a zombie: no memory map any more
        }

        double threads = ProcParsing.Field(status, "Threads:"u8) ?? 0;
        double? anon = ProcParsing.Field(status, "RssAnon:"u8);
        double? swap = ProcParsing.Field(status, "VmSwap:"u8);
        if (readPss)
        {
            _lastPss = ReadPss();
        }

        return new ProcessSample(Pid, Name, rss.Value, anon, swap, _lastPss, threads, CountFds());
    }

    /// <summary>
    /// Adds the children forked by the main thread (all children of a single-threaded process), read through a kept-open
    /// handle: re-reading costs a fraction of opening /proc/PID/task/PID/children every sample. False if unreadable.
    /// </summary>
    public bool AddMainThreadChildren(List<int> children)
    {
        _mainThreadChildren ??= ProcFile.TryOpen($"/proc/{Pid}/task/{Pid}/children", 256);
        if (_mainThreadChildren is null)
        {
            return false;
        }

        ProcParsing.AddIntegers(_mainThreadChildren.Read(), children);
        return true;
    }

    /// <summary>Open descriptors: one stat() on new kernels, a directory listing otherwise; null without permission.</summary>
    public double? CountFds()
    {
        if (s_statCountsFds.Value)
        {
            return NativeStat.Size(_fdPath);
        }

        try
        {
            return Directory.EnumerateFileSystemEntries(_fdPath).Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>PSS from smaps_rollup. Its cost grows with RSS (≈5 ms at 600 MB), so callers read it only now and then.</summary>
    private double? ReadPss()
    {
        if (_pssUnavailable)
        {
            return null;
        }

        _smapsRollup ??= ProcFile.TryOpen($"/proc/{Pid}/smaps_rollup");
        if (_smapsRollup is null)
        {
            _pssUnavailable = true;
            return null;
        }

        return ProcParsing.Field(_smapsRollup.Read(), "Pss:"u8);
    }

    /// <summary>Linux ≥ 6.2 reports the descriptor count as the size of /proc/PID/fd; older kernels report 0.</summary>
    private static bool CheckStatCountsFds()
    {
        if (!NativeStat.IsSupported)
        {
            return false;
        }

        try
        {
            string self = $"/proc/{Environment.ProcessId}/fd";
            long? size = NativeStat.Size(self);
            int listed = Directory.EnumerateFileSystemEntries(self).Count();
            return size is > 0 && Math.Abs(size.Value - listed) <= 2;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _status.Dispose();
        _smapsRollup?.Dispose();
        _mainThreadChildren?.Dispose();
    }
}
