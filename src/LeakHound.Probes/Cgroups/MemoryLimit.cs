namespace LeakHound.Probes.Cgroups;

/// <summary>Where a memory limit came from, for display ("cgroup v2 memory.max of /system.slice/api.service").</summary>
public sealed record MemoryLimit(double Bytes, string Source);

/// <summary>Finds the memory limit that applies to a process: its cgroup's (v2 or v1, the tightest up the hierarchy), else the machine's memory.</summary>
public static class MemoryLimits
{
    /// <summary>Values at or above this mean "no limit" (v1 reports 2^63 rounded down to the page size).</summary>
    private const double Unlimited = 1L << 60;

    public static MemoryLimit ForProcess(int pid, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup")
    {
        return FromCgroup(pid, procRoot, cgroupRoot) ?? Machine(procRoot);
    }

    /// <summary>The cgroup limit of a process, or null when it has none.</summary>
    public static MemoryLimit? FromCgroup(int pid, string procRoot, string cgroupRoot)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(procRoot, pid.ToString(), "cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        foreach (string line in lines)
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                if (Tightest(cgroupRoot, parts[2], "memory.max") is { } v2)
                {
                    return new MemoryLimit(v2.Bytes, $"cgroup v2 memory.max of {v2.Where}");
                }
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                if (Tightest(Path.Combine(cgroupRoot, "memory"), parts[2], "memory.limit_in_bytes") is { } v1)
                {
                    return new MemoryLimit(v1.Bytes, $"cgroup v1 memory.limit_in_bytes of {v1.Where}");
                }
            }
        }

        return null;
    }

    /// <summary>The tightest memory limit of a cgroup and its ancestors, else the machine's memory.</summary>
    public static MemoryLimit ForCgroup(CgroupLocation cgroup, string procRoot = "/proc")
    {
        (string file, string version) = cgroup.Version == 2 ? ("memory.max", "v2") : ("memory.limit_in_bytes", "v1");
        return cgroup.MemoryFolder is { } folder && MountOf(folder, cgroup.RelativePath) is { } mount && Tightest(mount, cgroup.RelativePath, file) is { } found
            ? new MemoryLimit(found.Bytes, $"cgroup {version} {file} of {found.Where}")
            : Machine(procRoot);
    }

    /// <summary>The tightest <c>pids.max</c> of a cgroup and its ancestors (null when none is set).</summary>
    public static double? PidsLimit(CgroupLocation cgroup) =>
        cgroup.PidsFolder is { } folder && MountOf(folder, cgroup.RelativePath) is { } mount ? Tightest(mount, cgroup.RelativePath, "pids.max")?.Bytes : null;

    /// <summary>The hierarchy's mount: the folder less the cgroup's relative path.</summary>
    private static string? MountOf(string folder, string relativePath)
    {
        string relative = relativePath.Trim('/');
        string trimmed = folder.TrimEnd('/');
        return relative.Length == 0 ? trimmed
            : trimmed.EndsWith("/" + relative, StringComparison.Ordinal) ? trimmed[..^(relative.Length + 1)] : null;
    }

    /// <summary>The machine's memory (MemTotal).</summary>
    public static MemoryLimit Machine(string procRoot = "/proc")
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(procRoot, "meminfo")))
            {
                if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
                {
                    string kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                    return new MemoryLimit(double.Parse(kb) * 1024, "machine memory (MemTotal)");
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            // fall through
        }

        return new MemoryLimit(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, "machine memory (runtime)");
    }

    /// <summary>The smallest limit from the cgroup up to the root of the hierarchy, and the cgroup that sets it; null when all are unlimited.</summary>
    private static (double Bytes, string Where)? Tightest(string mount, string cgroupPath, string file)
    {
        (double Bytes, string Where)? best = null;
        string relative = cgroupPath.Trim('/');
        while (true)
        {
            string path = relative.Length == 0 ? Path.Combine(mount, file) : Path.Combine(mount, relative, file);
            if (ReadLimit(path) is { } limit && (best is null || limit < best.Value.Bytes))
            {
                best = (limit, "/" + relative);
            }

            if (relative.Length == 0)
            {
                return best;
            }

            int slash = relative.LastIndexOf('/');
            relative = slash < 0 ? "" : relative[..slash];
        }
    }

    private static double? ReadLimit(string path) => KernelFiles.Number(path) is { } v && v > 0 && v < Unlimited ? v : null;
}
