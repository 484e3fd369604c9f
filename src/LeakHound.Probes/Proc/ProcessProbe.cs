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

    private ProcessProbe(ProcessIdentity identity, string name, ProcFile status)
    {
        Identity = identity;
        Name = name;
        _status = status;
        _fdPath = $"/proc/{identity.Pid}/fd";
    }

    /// <summary>The process read: its PID and start time. A PID that comes back with another start time is another process.</summary>
    public ProcessIdentity Identity { get; }

    public int Pid => Identity.Pid;

    /// <summary>True once PSS was asked for and could not be read (another user's process: smaps_rollup needs ptrace access).</summary>
    public bool PssUnreadable => _pssUnavailable;

    public string Name { get; }

    public static ProcessProbe? TryOpen(int pid)
    {
        if (ProcessIdentity.Of(pid) is not { } identity)
        {
            return null;
        }

        ProcFile? status = ProcFile.TryOpen($"/proc/{pid}/status");
        if (status is null)
        {
            return null;
        }

        if (!identity.IsCurrent)
        {
            status.Dispose(); // it exited and its PID was taken between the two reads: the file opened is another's
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

        return new ProcessProbe(identity, name, status);
    }

    /// <summary>Reads the process; null once it has exited (or become a zombie with no memory).</summary>
    public ProcessSample? Read(bool readPss)
    {
        ReadOnlySpan<byte> status = _status.Read();
        double? rss = ProcParsing.Field(status, "VmRSS:"u8);
        if (rss is null && ReopenStatus() is { } reopened)
        {
            // A handle opened before the process called execve() reads nothing afterwards: open it again once.
            _status.Dispose();
            _status = reopened;
            _mainThreadChildren?.Dispose();
            _mainThreadChildren = null;
            status = _status.Read();
            rss = ProcParsing.Field(status, "VmRSS:"u8);
        }

        if (rss is null && ProcParsing.Field(status, "Threads:"u8) is > 1 && LiveThreadStatus() is { } thread)
        {
            // The main thread exited but others run (a zombie thread-group leader): the process lives, and its memory
            // shows in a live thread's status. Rare, so read through the task folder, not a kept-open file.
            status = thread;
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

    /// <summary>The status of a thread of this process that still has the memory map (null when none has).</summary>
    private byte[]? LiveThreadStatus()
    {
        try
        {
            foreach (string task in Directory.EnumerateDirectories($"/proc/{Pid}/task"))
            {
                byte[] text;
                try
                {
                    text = File.ReadAllBytes(Path.Combine(task, "status"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    continue; // that thread ended meanwhile
                }

                if (ProcParsing.Field(text, "VmRSS:"u8) is not null)
                {
                    return Identity.IsCurrent ? text : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // the process is gone
        }

        return null;
    }

    /// <summary>This process's status opened anew, unless its PID now belongs to another process (checked after opening).</summary>
    private ProcFile? ReopenStatus()
    {
        if (!Identity.IsCurrent || ProcFile.TryOpen($"/proc/{Pid}/status") is not { } reopened)
        {
            return null;
        }

        if (Identity.IsCurrent)
        {
            return reopened;
        }

        reopened.Dispose();
        return null;
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
