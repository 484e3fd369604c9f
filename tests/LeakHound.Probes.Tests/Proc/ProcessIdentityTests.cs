using System.Diagnostics;
using System.Runtime.InteropServices;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Tests.Proc;

/// <summary>A process is its PID and its start time: a reused PID is another process, never read or signalled as the first.</summary>
public sealed class ProcessIdentityTests
{
    [Fact]
    public void Parse_CountsFieldsAfterTheLastParenthesis()
    {
        // A command name may hold spaces and parentheses; the start time is field 22.
        string stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 12345678 300";
        Assert.Equal(new ProcessIdentity(4242, 987654), ProcessIdentity.Parse(4242, stat));
        Assert.Null(ProcessIdentity.Parse(4242, "4242 (broken"));
    }

    [Fact]
    public void Of_OwnProcess_IsCurrent_AndStable()
    {
        ProcessIdentity self = ProcessIdentity.Of(Environment.ProcessId)!.Value;
        Assert.True(self.IsCurrent);
        Assert.Equal(self, ProcessIdentity.Of(Environment.ProcessId));
        Assert.Null(ProcessIdentity.Of(int.MaxValue));
    }

    [Fact]
    public void Signal_OnlyReachesTheProcessWithThatStartTime()
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        ProcessIdentity identity = ProcessIdentity.Of(sleep.Id)!.Value;

        Assert.False((identity with { StartTicks = identity.StartTicks + 1 }).Signal(ProcessSignals.SigTerm));
        Assert.False(sleep.WaitForExit(300)); // the other "process" was not this one: untouched

        Assert.True(identity.Signal(ProcessSignals.SigTerm));
        Assert.True(sleep.WaitForExit(5000));
        Assert.False(identity.IsCurrent);
        Assert.False(identity.Signal(ProcessSignals.SigTerm)); // gone: nothing to signal
    }

    [Fact]
    public void ReusedPid_IsAnExit_NotAdopted()
    {
        using Process first = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        int pid = first.Id;
        using ProcessTreeSampler sampler = new([pid], includeChildren: false);
        Assert.Single(sampler.Sample(false).Processes);

        first.Kill();
        first.WaitForExit(); // reaped: the PID is free for anyone
        ProcessIdentity reuser = PidReuse.StartWithPid(pid, "sleep", "30");
        try
        {
            TreeSnapshot snap = sampler.Sample(false);

            Assert.Empty(snap.Processes); // the bug: the unrelated process was read (and stopped) as the watched one
            Assert.Contains(pid, snap.Exited);
            Assert.True(sampler.AllExited);
        }
        finally
        {
            reuser.Signal(9);
        }
    }

    [Fact]
    public void MainThreadExited_OtherThreadsRun_IsStillWatched()
    {
        // perl: a thread that allocates and sleeps, then the main thread alone ends (exit(2), not exit_group(2)).
        int sysExit = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? 93 : 60;
        using Process perl = Process.Start(new ProcessStartInfo("perl",
            ["-e", $"use threads; threads->create(sub {{ my @a = (1) x 500000; sleep 30 }})->detach; select(undef, undef, undef, 0.5); syscall({sysExit}, 0);"])
        { UseShellExecute = false })!;
        try
        {
            using ProcessTreeSampler sampler = new([perl.Id], includeChildren: true);
            Stopwatch waited = Stopwatch.StartNew();
            while (!File.ReadAllText($"/proc/{perl.Id}/status").Contains("State:\tZ", StringComparison.Ordinal) && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(50);
            }

            Assert.Contains("State:\tZ", File.ReadAllText($"/proc/{perl.Id}/status"), StringComparison.Ordinal);
            TreeSnapshot snap = sampler.Sample(false);

            ProcessSample leader = Assert.Single(snap.Processes);
            Assert.True(leader.RssBytes > 10e6, $"rss {leader.RssBytes}"); // the live thread's memory (500,000 scalars)
            Assert.Empty(snap.Exited);
        }
        finally
        {
            perl.Kill();
        }
    }
}
