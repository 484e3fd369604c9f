using System.Diagnostics;
using LeakHound.Probes.Cgroups;

namespace LeakHound.Probes.Tests.Cgroups;

/// <summary>A cgroup's memory read in the terms of both versions: from fixture files, and from a real v1 cgroup made here.</summary>
public sealed class CgroupStatsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("leakhound-cgstat").FullName;

    private void Write(string relative, string content)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    [Fact]
    public void V2_AnonCacheWorkingSetAndOomKills()
    {
        Write("cg/memory.current", "300000000\n");
        Write("cg/memory.stat", "anon 120000000\nfile 170000000\nkernel 9000000\nsock 4096\nshmem 1000\nactive_file 50000000\ninactive_file 120000000\n");
        Write("cg/memory.events", "low 0\nhigh 0\nmax 7\noom 2\noom_kill 2\n");
        Write("cg/memory.swap.current", "0\n");
        Write("cg/pids.current", "5\n");
        Write("cg/cgroup.procs", "10\n11\n");
        string folder = Path.Combine(_root, "cg");

        CgroupStats s = CgroupStatsReader.Read(new CgroupLocation(2, "/cg", folder, folder, folder));

        Assert.Equal(120e6, s.Anon);
        Assert.Equal(170e6, s.File);
        Assert.Equal(180e6, s.WorkingSet); // usage − inactive_file, as kubelet
        Assert.Equal(9e6, s.Kernel);
        Assert.Equal(4096, s.Sock);
        Assert.Equal(5, s.Pids);
        Assert.Equal(2, s.OomKills);
        Assert.Equal(7, s.FailCount);
        Assert.Equal([10, 11], CgroupStatsReader.Processes(new CgroupLocation(2, "/cg", folder, folder, folder)));
    }

    [Fact]
    public void V1_HierarchicalTotals_AndMissingFilesStayUnknown()
    {
        Write("m/memory.usage_in_bytes", "250000000\n");
        Write("m/memory.stat", "cache 1\nrss 2\ntotal_cache 150000000\ntotal_rss 90000000\ntotal_shmem 0\ntotal_active_file 10000000\ntotal_inactive_file 140000000\ntotal_swap 0\n");
        Write("m/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        Write("m/memory.failcnt", "12\n");
        string folder = Path.Combine(_root, "m");

        CgroupStats s = CgroupStatsReader.Read(new CgroupLocation(1, "/m", folder, null, folder));

        Assert.Equal(90e6, s.Anon);
        Assert.Equal(150e6, s.File);
        Assert.Equal(110e6, s.WorkingSet);
        Assert.Equal(1, s.OomKills);
        Assert.Equal(12, s.FailCount);
        Assert.Null(s.Pids);
        Assert.Null(s.Kernel);
        Assert.Null(s.Sock);
    }

    /// <summary>
    /// A real v1 memory cgroup (these machines mount v1; .ci/run runs as root): a process holding memory it wrote shows
    /// as anonymous memory, a file written through the page cache as cache — and not as anon.
    /// </summary>
    [V1MemoryFact]
    public Task RealV1Cgroup_HeldMemoryIsAnon_AWrittenFileIsPageCache() => HeldMemoryIsAnon_AWrittenFileIsPageCache("/sys/fs/cgroup/memory");

    /// <summary>The same on a unified (v2) hierarchy: anon, file and memory.current from the v2 files.</summary>
    [V2MemoryFact]
    public Task RealV2Cgroup_HeldMemoryIsAnon_AWrittenFileIsPageCache() => HeldMemoryIsAnon_AWrittenFileIsPageCache(V2MemoryFactAttribute.Root);

    private async Task HeldMemoryIsAnon_AWrittenFileIsPageCache(string mount)
    {
        CgroupFinder finder = new();
        string name = $"leakhound-test-{Guid.NewGuid():N}";
        string folder = Path.Combine(mount, name);
        Directory.CreateDirectory(folder);
        string file = Path.Combine(Path.GetTempPath(), $"{name}.bin");
        Process? holder = null;
        try
        {
            CgroupLocation cg = finder.FromPath(name);
            CgroupStats before = CgroupStatsReader.Read(cg);

            // 64 MiB written and held by a process in the cgroup, then 96 MiB of file written from inside it.
            holder = Process.Start(new ProcessStartInfo("sh", ["-c", $"echo $$ > {folder}/cgroup.procs; exec perl -e '$x = \"x\" x (64 << 20); open(my $f, \">\", \"{file}\"); print $f \"y\" x (1 << 20) for 1..96; close $f; sleep 30'"])
            { UseShellExecute = false })!;
            CgroupStats after = before;
            Stopwatch waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(20) && (after.Anon < 60 * (1 << 20) || after.File < 90 * (1 << 20)))
            {
                await Task.Delay(200);
                after = CgroupStatsReader.Read(cg);
            }

            Assert.Contains(holder.Id, CgroupStatsReader.Processes(cg));
            Assert.InRange(after.Anon!.Value - (before.Anon ?? 0), 60 * (1 << 20), 200 * (1 << 20));
            Assert.True(after.File >= 90 * (1 << 20), $"page cache {after.File}");
            Assert.True(after.Usage >= after.Anon + 90 * (1 << 20));
            Assert.Equal(0, after.OomKills);
        }
        finally
        {
            holder?.Kill();
            holder?.WaitForExit();
            File.Delete(file);
            for (int i = 0; i < 50 && Directory.Exists(folder); i++)
            {
                try
                {
                    Directory.Delete(folder); // only the folder: a cgroup's files are not deleted
                }
                catch (IOException)
                {
                    await Task.Delay(100); // the killed process is still leaving
                }
            }
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
