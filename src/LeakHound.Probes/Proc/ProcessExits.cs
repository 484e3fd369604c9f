using System.Runtime.InteropServices;

namespace LeakHound.Probes.Proc;

/// <summary>
/// Tells when a process that LeakHound did not start exits, at once rather than at the next sample: a pidfd becomes
/// readable when its process ends. One thread polls every pidfd (a poll(2) with a short timeout, so that new ones
/// join within it) — not a thread per process, which a watch of a thousand targets could not afford.
/// </summary>
public static partial class ProcessExits
{
    private const short PollIn = 0x001;
    private const int PollTimeoutMs = 250;

    private static readonly object s_gate = new();
    private static readonly Dictionary<ProcessIdentity, (int Fd, TaskCompletionSource Exited)> s_watched = [];
    private static Thread? s_poller;

    /// <summary>
    /// Completes when the process exits (at once if it has already, or if the kernel has no pidfds: then nothing better
    /// than the next sample is possible, and the caller should not wait on it — see <see cref="Supported"/>).
    /// </summary>
    public static Task WhenExited(ProcessIdentity process)
    {
        lock (s_gate)
        {
            if (s_watched.TryGetValue(process, out var known))
            {
                return known.Exited.Task;
            }

            int fd = Pidfd.Open(process.Pid);
            if (fd < 0)
            {
                return Task.CompletedTask;
            }

            if (!process.IsCurrent)
            {
                Pidfd.Close(fd); // the PID was reused before the pidfd pinned it: this process is gone
                return Task.CompletedTask;
            }

            TaskCompletionSource exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
            s_watched[process] = (fd, exited);
            if (s_poller is null)
            {
                s_poller = new Thread(Poll) { IsBackground = true, Name = "leakhound-exits" };
                s_poller.Start();
            }

            return exited.Task;
        }
    }

    /// <summary>Stops watching a process (its watch is over); a waiter on it is left waiting.</summary>
    public static void Forget(ProcessIdentity process)
    {
        lock (s_gate)
        {
            if (s_watched.Remove(process, out var known))
            {
                Pidfd.Close(known.Fd);
            }
        }
    }

    /// <summary>Whether exits can be told at once (Linux ≥ 5.3).</summary>
    public static bool Supported { get; } = Probe();

    private static bool Probe()
    {
        int fd = Pidfd.Open(Environment.ProcessId);
        if (fd < 0)
        {
            return false;
        }

        Pidfd.Close(fd);
        return true;
    }

    private static void Poll()
    {
        while (true)
        {
            (ProcessIdentity Process, int Fd, TaskCompletionSource Exited)[] watched;
            lock (s_gate)
            {
                if (s_watched.Count == 0)
                {
                    s_poller = null;
                    return;
                }

                watched = [.. s_watched.Select(w => (w.Key, w.Value.Fd, w.Value.Exited))];
            }

            PollFd[] fds = [.. watched.Select(w => new PollFd { Fd = w.Fd, Events = PollIn })];
            if (PollFds(fds, (ulong)fds.Length, PollTimeoutMs) <= 0)
            {
                continue; // timeout (or EINTR): look again with any pidfds added since
            }

            lock (s_gate)
            {
                for (int i = 0; i < fds.Length; i++)
                {
                    if (fds[i].Revents != 0)
                    {
                        s_watched.Remove(watched[i].Process);
                        Pidfd.Close(watched[i].Fd);
                        watched[i].Exited.TrySetResult();
                    }
                }
            }
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int PollFds([In, Out] PollFd[] fds, ulong count, int timeoutMs);
}
