using System.Diagnostics;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Tests.Proc;

public sealed class ProcessTreeSamplerTests
{
    [Fact]
    public void Sample_OwnProcess_ReadsRealSignals()
    {
        using ProcessTreeSampler sampler = new([Environment.ProcessId], includeChildren: false);

        TreeSnapshot snap = sampler.Sample(readPss: true);

        ProcessSample self = Assert.Single(snap.Processes);
        Assert.Equal(Environment.ProcessId, self.Pid);
        Assert.InRange(self.RssBytes, 10e6, 4e9);
        Assert.True(self.AnonBytes > 0);
        Assert.True(self.PssBytes > 0, "PSS from smaps_rollup");
        Assert.InRange(self.Threads, Process.GetCurrentProcess().Threads.Count - 5, Process.GetCurrentProcess().Threads.Count + 5);
        Assert.True(self.OpenFds > 2);
    }

    [Fact]
    public void Sample_OpenFiles_CountedExactly()
    {
        using ProcessTreeSampler sampler = new([Environment.ProcessId], includeChildren: false);
        double before = sampler.Sample(false).Processes[0].OpenFds!.Value;
        string path = Path.GetTempFileName();
        List<FileStream> streams = Enumerable.Range(0, 50).Select(_ => File.OpenRead(path)).ToList();
        try
        {
            double after = sampler.Sample(false).Processes[0].OpenFds!.Value;
            Assert.InRange(after - before, 48, 52); // other tests may open or close a file meanwhile
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Sample_ShellWithChildren_FindsWholeTreeAndNoticesExit()
    {
        using Process shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 30 & sleep 30 & wait"]))!;
        try
        {
            using ProcessTreeSampler sampler = new([shell.Id]);
            TreeSnapshot snap = sampler.Sample(false);
            for (int i = 0; i < 50 && snap.ProcessCount < 3; i++)
            {
                await Task.Delay(100);
                snap = sampler.Sample(false);
            }

            Assert.Equal(3, snap.ProcessCount);
            Assert.Contains(snap.Processes, p => p.Name == "sleep");
            Assert.True(snap.Rss > snap.Processes[0].RssBytes);

            shell.Kill(entireProcessTree: true);
            await shell.WaitForExitAsync();
            TreeSnapshot after = sampler.Sample(false);
            for (int i = 0; i < 50 && after.ProcessCount > 0; i++)
            {
                await Task.Delay(100);
                after = sampler.Sample(false);
            }

            Assert.Empty(after.Processes);
            Assert.True(sampler.AllExited);
        }
        finally
        {
            if (!shell.HasExited)
            {
                shell.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Sample_ChildrenStartedLater_JoinThroughTheKeptOpenChildrenFile()
    {
        // The shell is single-threaded, so its children are read through one kept-open children file: children forked
        // after several samples (and a grandchild of theirs) must still join.
        using Process shell = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 0.8; sleep 30 & sh -c 'sleep 30 & wait' & wait"]))!;
        try
        {
            using ProcessTreeSampler sampler = new([shell.Id]);
            TreeSnapshot snap = sampler.Sample(false);
            int before = snap.ProcessCount;
            for (int i = 0; i < 60 && snap.ProcessCount < 4; i++)
            {
                await Task.Delay(100);
                snap = sampler.Sample(false);
            }

            Assert.True(before <= 2, $"the later children were already there ({before} processes)");
            Assert.Equal(4, snap.ProcessCount);
            Assert.Equal(2, snap.Processes.Count(p => p.Name == "sleep"));
        }
        finally
        {
            shell.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Constructor_MissingPid_ThrowsWithPid()
    {
        ProcessNotFoundException e = Assert.Throws<ProcessNotFoundException>(() => new ProcessTreeSampler([int.MaxValue - 7]));
        Assert.Contains((int.MaxValue - 7).ToString(), e.Message);
    }

    [Fact]
    public async Task Sample_ProcessThatExecs_IsStillRead()
    {
        // The handle to /proc/PID/status is opened before the child's execve(); the probe must reopen it.
        using Process child = Process.Start(new ProcessStartInfo("sleep", ["5"]))!;
        try
        {
            using ProcessTreeSampler sampler = new([child.Id]);
            await Task.Delay(300);
            TreeSnapshot snap = sampler.Sample(false);
            Assert.Equal("sleep", Assert.Single(snap.Processes).Name);
        }
        finally
        {
            child.Kill();
        }
    }
}
