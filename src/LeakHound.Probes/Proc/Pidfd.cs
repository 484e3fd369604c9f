using System.Runtime.InteropServices;

namespace LeakHound.Probes.Proc;

/// <summary>
/// pidfds (Linux ≥ 5.3): a descriptor that pins one process, so that it can be signalled or waited for without the
/// race of a PID reused in between. .NET has no API for them, hence the syscalls.
/// </summary>
internal static partial class Pidfd
{
    private const int SysPidfdSendSignal = 424; // the same number on x86-64 and arm64 (syscalls added since 5.1 share one table)
    private const int SysPidfdOpen = 434;

    /// <summary>A pidfd of the process with this PID now, or -1 (gone, not allowed, or ENOSYS: see <see cref="LastErrorIsNoSyscall"/>).</summary>
    public static int Open(int pid) => (int)Syscall(SysPidfdOpen, pid, 0, 0, 0);

    /// <summary>The last <see cref="Open"/> failed because the kernel has no pidfds.</summary>
    public static bool LastErrorIsNoSyscall => Marshal.GetLastPInvokeError() == 38; // ENOSYS

    public static bool SendSignal(int pidfd, int signal) => Syscall(SysPidfdSendSignal, pidfd, signal, 0, 0) == 0;

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long a, long b, long c, long d);
}
