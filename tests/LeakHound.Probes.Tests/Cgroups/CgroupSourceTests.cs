using System.Diagnostics;
using LeakHound.Core.Signals;
using LeakHound.Probes.Cgroups;

namespace LeakHound.Probes.Tests.Cgroups;

/// <summary>
/// A cgroup as a source, on a fixture tree that reproduces the kernel's files (v2) with real processes listed in it:
/// its series, its limits up the hierarchy, an OOM kill counted from the watch's start, and a restart told only when
/// every process was replaced.
/// </summary>
public sealed class CgroupSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("leakhound-cgsource").FullName;
    private readonly List<Process> _started = [];

    private string Folder => Path.Combine(_root, "system.slice", "api.service");

    private CgroupLocation Location => new(2, "/system.slice/api.service", Folder, Folder, Folder);

    public CgroupSourceTests()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(Path.Combine(_root, "system.slice", "memory.max"), "536870912\n");
        File.WriteAllText(Path.Combine(Folder, "memory.max"), "max\n");
        File.WriteAllText(Path.Combine(_root, "system.slice", "pids.max"), "max\n");
        File.WriteAllText(Path.Combine(Folder, "pids.max"), "64\n");
        Memory(current: 300e6, anon: 120e6, file: 170e6, inactive: 120e6, oomKills: 4);
    }

    private void Memory(double current, double anon, double file, double inactive, int oomKills)
    {
        File.WriteAllText(Path.Combine(Folder, "memory.current"), $"{current}\n");
        File.WriteAllText(Path.Combine(Folder, "memory.stat"), $"anon {anon}\nfile {file}\nactive_file {file - inactive}\ninactive_file {inactive}\nkernel 9000000\nsock 0\nshmem 0\n");
        File.WriteAllText(Path.Combine(Folder, "memory.events"), $"low 0\nhigh 0\nmax 0\noom 0\noom_kill {oomKills}\n");
    }

    private int Sleeper()
    {
        Process p = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        _started.Add(p);
        return p.Id;
    }

    private void Members(params int[] pids) => File.WriteAllText(Path.Combine(Folder, "cgroup.procs"), string.Concat(pids.Select(p => $"{p}\n")));

    private static async Task<SignalReadings> Read(CgroupSource source, double t)
    {
        SignalReadings into = new(t);
        await source.ReadAsync(into, CancellationToken.None);
        return into;
    }

    [Fact]
    public async Task Reads_TheCgroupsMemory_AndItsProcesses()
    {
        int pid = Sleeper();
        Members(pid);
        using CgroupSource source = new(Location);

        SignalReadings r = await Read(source, 0);

        Dictionary<string, double> values = r.Values.ToDictionary(v => v.Series, v => v.Value);
        Assert.Equal(180e6, values[PageCache.WorkingSet]);
        Assert.Equal(120e6, values[PageCache.Anon]);
        Assert.Equal(170e6, values[PageCache.Cache]);
        Assert.Equal(300e6, values[PageCache.Usage]);
        Assert.Equal(4, values["oom_kills"]);
        Assert.Equal(1, values["procs"]); // the process read from cgroup.procs, as a tree
        Assert.True(values["rss"] > 0);
        Assert.Equal(0, r.OomKills); // kills before the watch are the cgroup's past
        Assert.False(((ISignalSource)source).Ended);
    }

    [Fact]
    public void Limits_AreTheTightestUpTheHierarchy_AndSayWhere()
    {
        MemoryLimit memory = MemoryLimits.ForCgroup(Location);

        Assert.Equal(536870912, memory.Bytes);
        Assert.Equal("cgroup v2 memory.max of /system.slice", memory.Source);
        Assert.Equal(64, MemoryLimits.PidsLimit(Location));
    }

    [Fact]
    public async Task AnOomKill_IsCounted_FromTheWatchsStart()
    {
        Members(Sleeper());
        using CgroupSource source = new(Location);
        await Read(source, 0);

        Memory(current: 500e6, anon: 480e6, file: 10e6, inactive: 5e6, oomKills: 6);
        SignalReadings r = await Read(source, 1);

        Assert.Equal(2, r.OomKills);
        Assert.Equal(0, (await Read(source, 2)).OomKills);
    }

    [Fact]
    public async Task ARestart_IsToldWhenEveryProcessWasReplaced_NotWhenSomeWere()
    {
        int first = Sleeper(), worker = Sleeper();
        Members(first, worker);
        using CgroupSource source = new(Location);
        Assert.Null((await Read(source, 0)).Restart);

        // A worker recycled under the same master: the service did not restart.
        int newWorker = Sleeper();
        Members(first, newWorker);
        Assert.Null((await Read(source, 1)).Restart);

        // Stopped (an empty cgroup for a while), then started again: every process is new.
        Members();
        SignalReadings empty = await Read(source, 2);
        Assert.Null(empty.Restart);
        Assert.Contains(empty.Notices, n => n.Contains("has no processes now", StringComparison.Ordinal));
        int restarted = Sleeper();
        Members(restarted);
        SignalReadings r = await Read(source, 3);

        Assert.NotNull(r.Restart);
        Assert.Contains($"→ {restarted}", r.Restart);
        Assert.Null((await Read(source, 4)).Restart);
    }

    public void Dispose()
    {
        foreach (Process p in _started)
        {
            p.Kill();
            p.WaitForExit();
            p.Dispose();
        }

        Directory.Delete(_root, recursive: true);
    }
}
