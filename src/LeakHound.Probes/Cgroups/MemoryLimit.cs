namespace LeakHound.Probes.Cgroups;

/// <summary>Where a memory limit came from, for display ("cgroup v2 memory.max").</summary>
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
                    return new MemoryLimit(v2, "cgroup v2 memory.max");
                }
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                if (Tightest(Path.Combine(cgroupRoot, "memory"), parts[2], "memory.limit_in_bytes") is { } v1)
                {
                    return new MemoryLimit(v1, "cgroup v1 memory.limit_in_bytes");
                }
            }
        }

        return null;
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

    /// <summary>The smallest limit from the cgroup up to the root of the hierarchy; null when all are unlimited.</summary>
    private static double? Tightest(string mount, string cgroupPath, string file)
    {
        double? best = null;
        string relative = cgroupPath.Trim('/');
        while (true)
        {
            string path = relative.Length == 0 ? Path.Combine(mount, file) : Path.Combine(mount, relative, file);
            if (ReadLimit(path) is { } limit && (best is null || limit < best))
            {
                best = limit;
            }

            if (relative.Length == 0)
            {
                return best;
            }

            int slash = relative.LastIndexOf('/');
            relative = slash < 0 ? "" : relative[..slash];
        }
    }

    private static double? ReadLimit(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return text != "max" && double.TryParse(text, out double v) && v > 0 && v < Unlimited ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
