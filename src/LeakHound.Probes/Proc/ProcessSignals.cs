using System.Runtime.InteropServices;

namespace LeakHound.Probes.Proc;

/// <summary>kill(2): .NET's Process.Kill only sends SIGKILL, but a clean stop asks first with SIGTERM.</summary>
public static partial class ProcessSignals
{
    public const int SigTerm = 15;
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigUsr1 = 10;

    /// <summary>Sends a signal; false when the process is gone or not ours.</summary>
    public static bool Send(int pid, int signal) => Kill(pid, signal) == 0;

    /// <summary>Sends a signal; 0, or the errno that refused it (ESRCH gone, EPERM not permitted).</summary>
    public static int SendOrError(int pid, int signal) => Kill(pid, signal) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public const int Eperm = 1;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
