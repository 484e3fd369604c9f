using LeakHound.Probes.Cgroups;

namespace LeakHound.Probes.Tests.Cgroups;

/// <summary>Finding a cgroup by path, process, unit and container ID in fixture trees laid out as the kernel and the runtimes lay them out.</summary>
public sealed class CgroupFinderTests : IDisposable
{
    private const string DockerId = "3f4e8c1a9b2d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
    private const string OtherId = "3f4e77770000000000000000000000000000000000000000000000000000abcd";

    private readonly string _root = Directory.CreateTempSubdirectory("leakhound-cgfind").FullName;

    private string Cgroup => Path.Combine(_root, "cgroup");

    private string Proc => Path.Combine(_root, "proc");

    private void Write(string relative, string content = "0\n")
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void V2(string cgroup) => Write($"cgroup/{cgroup}/memory.current", "1000\n");

    private void V1(string cgroup) => Write($"cgroup/memory/{cgroup}/memory.usage_in_bytes", "1000\n");

    [Fact]
    public void V2_PathUnderTheMountOrRelative_FindTheSameFolder()
    {
        Write("cgroup/cgroup.controllers", "cpu memory pids\n");
        V2("system.slice/app.service");
        Write("cgroup/system.slice/app.service/pids.current", "3\n");
        CgroupFinder finder = new(Cgroup, Proc);

        CgroupLocation a = finder.FromPath(Path.Combine(Cgroup, "system.slice/app.service"));
        CgroupLocation b = finder.FromPath("system.slice/app.service");

        Assert.Equal(a, b);
        Assert.Equal(2, a.Version);
        Assert.Equal("/system.slice/app.service", a.RelativePath);
        Assert.Equal(Path.Combine(Cgroup, "system.slice/app.service"), a.MemoryFolder);
        Assert.Equal(a.MemoryFolder, a.PidsFolder);
        Assert.Throws<CgroupException>(() => finder.FromPath("system.slice/nothing.service"));
    }

    [Fact]
    public void V1_PathUnderTheMemoryMount_AndTheProcessesOwnCgroup()
    {
        V1("docker/abc");
        Write("cgroup/pids/docker/abc/pids.current", "2\n");
        Write("proc/42/cgroup", "12:pids:/docker/abc\n9:memory:/docker/abc\n0::/\n");
        CgroupFinder finder = new(Cgroup, Proc);

        CgroupLocation byPath = finder.FromPath(Path.Combine(Cgroup, "memory/docker/abc"));
        CgroupLocation byPid = finder.OfProcess(42);

        Assert.Equal(byPath, byPid);
        Assert.Equal(1, byPid.Version);
        Assert.Equal(Path.Combine(Cgroup, "memory/docker/abc"), byPid.MemoryFolder);
        Assert.Equal(Path.Combine(Cgroup, "pids/docker/abc"), byPid.PidsFolder);
        Assert.Throws<CgroupException>(() => finder.OfProcess(43));
    }

    [Fact]
    public void Unit_IsFoundUnderAnySlice_WithServiceAsTheDefaultSuffix()
    {
        Write("cgroup/cgroup.controllers", "memory\n");
        V2("system.slice/nginx.service");
        V2("user.slice/user-1000.slice/user@1000.service/app.slice/worker.service");
        CgroupFinder finder = new(Cgroup, Proc);

        Assert.Equal("/system.slice/nginx.service", finder.ForUnit("nginx").RelativePath);
        Assert.Equal("/user.slice/user-1000.slice/user@1000.service/app.slice/worker.service", finder.ForUnit("worker.service").RelativePath);
        CgroupException missing = Assert.Throws<CgroupException>(() => finder.ForUnit("redis"));
        Assert.Contains("redis.service", missing.Message);
    }

    [Theory]
    [InlineData(2, "system.slice/docker-{0}.scope")]                                                         // Docker, systemd driver
    [InlineData(1, "docker/{0}")]                                                                            // Docker, cgroupfs driver
    [InlineData(2, "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234.slice/cri-containerd-{0}.scope")] // Kubernetes, containerd
    [InlineData(1, "kubepods/burstable/pod1234/{0}")]                                                        // Kubernetes, cgroupfs driver
    [InlineData(2, "machine.slice/libpod-{0}.scope")]                                                        // Podman
    [InlineData(2, "kubepods.slice/kubepods-pod99.slice/crio-{0}.scope")]                                     // CRI-O
    public void Container_ByIdOrUniquePrefix_UnderEachRuntimesLayout(int version, string layout)
    {
        string path = string.Format(System.Globalization.CultureInfo.InvariantCulture, layout, DockerId);
        if (version == 2)
        {
            Write("cgroup/cgroup.controllers", "memory\n");
            V2(path);
        }
        else
        {
            V1(path);
        }

        CgroupFinder finder = new(Cgroup, Proc);

        Assert.Equal("/" + path, finder.ForContainer(DockerId).RelativePath);
        Assert.Equal("/" + path, finder.ForContainer(DockerId[..12].ToUpperInvariant()).RelativePath);
        Assert.Throws<CgroupException>(() => finder.ForContainer("0000abcd"));
    }

    [Fact]
    public void Container_AmbiguousOrShortPrefix_IsRefusedWithTheCandidates()
    {
        Write("cgroup/cgroup.controllers", "memory\n");
        V2($"system.slice/docker-{DockerId}.scope");
        V2($"system.slice/docker-{OtherId}.scope");
        CgroupFinder finder = new(Cgroup, Proc);

        CgroupException ambiguous = Assert.Throws<CgroupException>(() => finder.ForContainer("3f4e"));
        Assert.Contains("matches 2 containers", ambiguous.Message);
        Assert.Contains(DockerId[..12], ambiguous.Message);
        Assert.Equal($"/system.slice/docker-{DockerId}.scope", finder.ForContainer("3f4e8c").RelativePath);
        Assert.Throws<CgroupException>(() => finder.ForContainer("3f4"));
        Assert.Throws<CgroupException>(() => finder.ForContainer("not-hex!"));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
