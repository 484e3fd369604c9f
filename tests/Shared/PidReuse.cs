using System.Diagnostics;
using LeakHound.Probes.Proc;

namespace LeakHound.TestSupport;

// Linked as source into the test projects that need a PID reused by an unrelated process (Probes, Watching).

/// <summary>
/// Hands a given free PID to a new process at once: clone3(2) with set_tid (as CRIU restores processes; needs
/// CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE, which the CI's root has), from perl, whose child then execs the command.
/// Cycling through every PID instead takes about a minute here (pid_max 32768, ~1 ms a fork).
/// </summary>
internal static class PidReuse
{
    private const string Clone3 = """
        my ($pid, @cmd) = @ARGV;
        my $tids = pack("i", $pid);
        my $args = pack("Q10", 0, 0, 0, 0, 17, 0, 0, 0, unpack("J", pack("p", $tids)), 1);
        my $r = syscall(435, $args, length($args));
        if ($r == 0) { open(STDOUT, ">", "/dev/null"); open(STDERR, ">", "/dev/null"); exec @cmd or POSIX::_exit(127); }
        die "clone3 with set_tid: $!\n" if $r < 0;
        print "$r\n";
        """;

    /// <summary>The new process's identity (it is not our child: kill it through the identity).</summary>
    public static ProcessIdentity StartWithPid(int pid, params string[] command)
    {
        // Start times tick at 100 Hz: a real reuse comes a whole PID cycle later, never within the same tick as here.
        Thread.Sleep(30);
        ProcessStartInfo info = new("perl") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-e", Clone3, pid.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(command))
        {
            info.ArgumentList.Add(a);
        }

        using Process perl = Process.Start(info)!;
        string stdout = perl.StandardOutput.ReadLine() ?? "";
        string stderr = perl.StandardError.ReadToEnd();
        Xunit.Assert.True(perl.WaitForExit(10_000), "perl did not finish");
        Xunit.Assert.True(int.TryParse(stdout.Trim(), out int got) && got == pid, $"could not hand out PID {pid}: {stderr}{stdout}");
        return ProcessIdentity.Of(pid) ?? throw new InvalidOperationException($"PID {pid} exited at once");
    }
}
