namespace LeakHound.Probes.Cgroups;

/// <summary>
/// One reading of a cgroup's memory and tasks, in the terms of both versions. Anonymous memory and the working set are
/// what a leak grows; page cache is reclaimable and grows whenever files are read or written.
/// </summary>
/// <param name="Usage">memory.current (v2) / memory.usage_in_bytes (v1): everything charged, page cache included.</param>
/// <param name="Anon">anon (v2) / total_rss (v1): anonymous memory (heaps, stacks).</param>
/// <param name="File">file (v2) / total_cache (v1): page cache.</param>
/// <param name="ActiveFile">active_file / total_active_file.</param>
/// <param name="InactiveFile">inactive_file / total_inactive_file: what the kernel reclaims first.</param>
/// <param name="Shmem">shmem / total_shmem (tmpfs, shared anonymous mappings: counted in the cache, not reclaimable).</param>
/// <param name="Kernel">kernel (v2; v1: memory.kmem.usage_in_bytes where kernel accounting is on).</param>
/// <param name="Sock">sock (v2 only): network buffers.</param>
/// <param name="Swap">memory.swap.current (v2) / total_swap (v1).</param>
/// <param name="Pids">pids.current.</param>
/// <param name="OomKills">oom_kill of memory.events (v2) / memory.oom_control (v1, kernel 4.13+).</param>
/// <param name="FailCount">memory.failcnt (v1) / max of memory.events (v2): times usage hit the limit.</param>
public sealed record CgroupStats(double? Usage, double? Anon, double? File, double? ActiveFile, double? InactiveFile, double? Shmem,
    double? Kernel, double? Sock, double? Swap, double? Pids, double? OomKills, double? FailCount)
{
    /// <summary>Usage less inactive page cache, as kubelet computes it (what the OOM killer and evictions act on).</summary>
    public double? WorkingSet => Usage is { } u ? Math.Max(0, u - (InactiveFile ?? 0)) : null;
}

/// <summary>Reads <see cref="CgroupStats"/> from a cgroup's files; a file that is missing leaves its value unknown.</summary>
public static class CgroupStatsReader
{
    public static CgroupStats Read(CgroupLocation cgroup)
    {
        string? m = cgroup.MemoryFolder;
        double? pids = cgroup.PidsFolder is { } p ? KernelFiles.Number(Path.Combine(p, "pids.current")) : null;
        if (m is null)
        {
            return new CgroupStats(null, null, null, null, null, null, null, null, null, pids, null, null);
        }

        Dictionary<string, double> stat = KeyValues(Path.Combine(m, "memory.stat"));
        double? Stat(string key) => stat.TryGetValue(key, out double v) ? v : null;
        if (cgroup.Version == 2)
        {
            Dictionary<string, double> events = KeyValues(Path.Combine(m, "memory.events"));
            return new CgroupStats(
                KernelFiles.Number(Path.Combine(m, "memory.current")), Stat("anon"), Stat("file"), Stat("active_file"), Stat("inactive_file"), Stat("shmem"),
                Stat("kernel") ?? Sum(Stat("kernel_stack"), Stat("slab"), Stat("pagetables")), Stat("sock"),
                KernelFiles.Number(Path.Combine(m, "memory.swap.current")), pids,
                events.TryGetValue("oom_kill", out double kills) ? kills : null, events.TryGetValue("max", out double max) ? max : null);
        }

        Dictionary<string, double> oom = KeyValues(Path.Combine(m, "memory.oom_control"));
        return new CgroupStats(
            KernelFiles.Number(Path.Combine(m, "memory.usage_in_bytes")), Stat("total_rss") ?? Stat("rss"), Stat("total_cache") ?? Stat("cache"),
            Stat("total_active_file") ?? Stat("active_file"), Stat("total_inactive_file") ?? Stat("inactive_file"), Stat("total_shmem") ?? Stat("shmem"),
            KernelFiles.Number(Path.Combine(m, "memory.kmem.usage_in_bytes")), null, Stat("total_swap") ?? Stat("swap"), pids,
            oom.TryGetValue("oom_kill", out double killed) ? killed : null, KernelFiles.Number(Path.Combine(m, "memory.failcnt")));
    }

    /// <summary>The PIDs in the cgroup now (cgroup.procs: thread-group leaders), empty when it cannot be read.</summary>
    public static IReadOnlyList<int> Processes(CgroupLocation cgroup)
    {
        List<int> pids = [];
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(cgroup.ProcsFolder, "cgroup.procs")))
            {
                if (int.TryParse(line, out int pid) && pid > 0)
                {
                    pids.Add(pid);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a cgroup removed meanwhile has no processes
        }

        return pids;
    }

    private static double? Sum(params double?[] parts) => parts.Any(p => p is not null) ? parts.Sum(p => p ?? 0) : null;

    /// <summary>"key value" lines (memory.stat, memory.events, memory.oom_control); unreadable or odd lines are skipped.</summary>
    private static Dictionary<string, double> KeyValues(string path)
    {
        Dictionary<string, double> values = new(StringComparer.Ordinal);
        try
        {
            foreach (string line in System.IO.File.ReadLines(path))
            {
                int space = line.IndexOf(' ');
                if (space > 0 && double.TryParse(line.AsSpan(space + 1), System.Globalization.NumberStyles.Float,
                        System.Globalization.CultureInfo.InvariantCulture, out double v))
                {
                    values[line[..space]] = v;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // missing: the values stay unknown
        }

        return values;
    }
}
