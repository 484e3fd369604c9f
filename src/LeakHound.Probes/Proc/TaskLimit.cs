namespace LeakHound.Probes.Proc;

/// <summary>
/// The most tasks (threads and processes together) a process can have: the tightest of the kernel's
/// <c>threads-max</c> and <c>pid_max</c>, its cgroup's <c>pids.max</c> (v2, or v1's pids controller) and its user's
/// <c>Max processes</c> (RLIMIT_NPROC counts every thread of the user). A thread leak ends at the first of them.
/// </summary>
public static class TaskLimit
{
    public static double? ForProcess(int pid, string procRoot = "/proc", string cgroupRoot = "/sys/fs/cgroup") =>
        Tightest(Kernel(procRoot), UserLimit(pid, procRoot), Cgroup(pid, procRoot, cgroupRoot));

    /// <summary>The machine's own bound on tasks: the tightest of <c>threads-max</c> and <c>pid_max</c>.</summary>
    public static double? Kernel(string procRoot = "/proc") =>
        Tightest(KernelFiles.Number(Path.Combine(procRoot, "sys", "kernel", "threads-max")), KernelFiles.Number(Path.Combine(procRoot, "sys", "kernel", "pid_max")));

    /// <summary>The smallest positive candidate, or null when there is none.</summary>
    public static double? Tightest(params double?[] candidates)
    {
        double? limit = null;
        foreach (double? candidate in candidates)
        {
            if (candidate is { } c && c > 0 && (limit is null || c < limit))
            {
                limit = c;
            }
        }

        return limit;
    }

    private static double? UserLimit(int pid, string procRoot)
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(procRoot, pid.ToString(), "limits")))
            {
                if (line.StartsWith("Max processes", StringComparison.Ordinal))
                {
                    string[] parts = line["Max processes".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return parts.Length > 0 && double.TryParse(parts[0], out double soft) ? soft : null;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone or foreign
        }

        return null;
    }

    private static double? Cgroup(int pid, string procRoot, string cgroupRoot)
    {
        try
        {
            foreach (string line in File.ReadLines(Path.Combine(procRoot, pid.ToString(), "cgroup")))
            {
                string[] parts = line.Split(':', 3);
                if (parts.Length != 3)
                {
                    continue;
                }

                string path = parts[2].Trim('/');
                if (parts[0] == "0" && parts[1].Length == 0 && KernelFiles.Number(Path.Combine(cgroupRoot, path, "pids.max")) is { } v2)
                {
                    return v2;
                }

                if (parts[1].Split(',').Contains("pids") && KernelFiles.Number(Path.Combine(cgroupRoot, "pids", path, "pids.max")) is { } v1)
                {
                    return v1;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // gone or foreign
        }

        return null;
    }
}
