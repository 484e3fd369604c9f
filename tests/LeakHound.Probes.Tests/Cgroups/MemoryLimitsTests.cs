using LeakHound.Probes.Cgroups;

namespace LeakHound.Probes.Tests.Cgroups;

public sealed class MemoryLimitsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("leakhound-cg").FullName;

    private string Proc => Path.Combine(_root, "proc");

    private string Cgroup => Path.Combine(_root, "cgroup");

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void V2_TightestLimitUpTheHierarchyWins()
    {
        Write("proc/42/cgroup", "0::/system.slice/app.service\n");
        Write("cgroup/system.slice/app.service/memory.max", "max\n");
        Write("cgroup/system.slice/memory.max", "536870912\n");

        MemoryLimit? limit = MemoryLimits.FromCgroup(42, Proc, Cgroup);

        Assert.Equal(536870912, limit!.Bytes);
        Assert.Contains("v2", limit.Source);
    }

    [Fact]
    public void V1_MemoryController()
    {
        Write("proc/7/cgroup", "12:cpu,cpuacct:/x\n9:memory:/docker/abc\n");
        Write("cgroup/memory/docker/abc/memory.limit_in_bytes", "209715200\n");
        Write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");

        MemoryLimit? limit = MemoryLimits.FromCgroup(7, Proc, Cgroup);

        Assert.Equal(209715200, limit!.Bytes);
        Assert.Contains("v1", limit.Source);
    }

    [Fact]
    public void Unlimited_FallsBackToMachineMemory()
    {
        Write("proc/7/cgroup", "9:memory:/\n");
        Write("cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        Write("proc/meminfo", "MemTotal:       16384000 kB\nMemFree: 1 kB\n");

        MemoryLimit limit = MemoryLimits.ForProcess(7, Proc, Cgroup);

        Assert.Equal(16384000 * 1024.0, limit.Bytes);
        Assert.Contains("machine", limit.Source);
    }

    [Fact]
    public void RealMachine_GivesAPositiveLimit() =>
        Assert.True(MemoryLimits.ForProcess(Environment.ProcessId).Bytes > 100e6);

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
