using System.Globalization;

namespace LeakHound.Probes.Proc;

/// <summary>
/// A process as the kernel tells it apart: its PID and when it started (clock ticks after boot, field 22 of
/// <c>/proc/PID/stat</c>). A PID is handed out again once its process is reaped; the pair never is, and
/// <c>execve</c> keeps both. LeakHound reads, follows and signals a process only while the pair still matches.
/// </summary>
public readonly record struct ProcessIdentity(int Pid, ulong StartTicks)
{
    /// <summary>The process that has this PID now (null when there is none, or its stat cannot be read).</summary>
    public static ProcessIdentity? Of(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        try
        {
            return Parse(pid, File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The identity in the text of a <c>/proc/PID/stat</c> (null when it is not one).</summary>
    public static ProcessIdentity? Parse(int pid, string stat)
    {
        // The command name sits in parentheses and may hold spaces and parentheses: count fields after the last ')'.
        int close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 > stat.Length)
        {
            return null;
        }

        string[] rest = stat[(close + 2)..].Split(' ');
        const int startTimeField = 22 - 3; // rest[0] is field 3 (state)
        return rest.Length > startTimeField && ulong.TryParse(rest[startTimeField], NumberStyles.None, CultureInfo.InvariantCulture, out ulong ticks)
            ? new ProcessIdentity(pid, ticks)
            : null;
    }

    /// <summary>True while this PID still belongs to this process (not exited and reaped, not reused).</summary>
    public bool IsCurrent => Of(Pid) == this;

    /// <summary>
    /// Sends a signal to this process and to no other: through a pidfd opened and then checked against the start time,
    /// so a PID reused between the check and the signal cannot be hit (Linux ≥ 5.3; older kernels: kill(2) after the
    /// check). False when the process is gone, reused, or not ours to signal.
    /// </summary>
    public bool Signal(int signal)
    {
        int pidfd = Pidfd.Open(Pid);
        if (pidfd < 0)
        {
            return Pidfd.LastErrorIsNoSyscall && IsCurrent && ProcessSignals.Send(Pid, signal);
        }

        try
        {
            // The pidfd pins the process it was opened on: if that one has the start time, it is this one.
            return IsCurrent && Pidfd.SendSignal(pidfd, signal);
        }
        finally
        {
            Pidfd.Close(pidfd);
        }
    }

    public override string ToString() => Pid.ToString(CultureInfo.InvariantCulture);
}
