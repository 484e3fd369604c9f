namespace LeakHound.Probes.Cgroups;

/// <summary>
/// Finds a cgroup from what a user knows: a path (under the mount or relative to it), a process, a systemd unit or a
/// container ID (or a unique prefix of one) under the usual layouts of systemd, Docker, containerd, CRI-O, Podman and
/// Kubernetes (systemd and cgroupfs drivers).
/// </summary>
/// <param name="cgroupRoot">Where the cgroup file systems are mounted (tests give a fixture tree).</param>
/// <param name="procRoot">Where /proc is.</param>
public sealed class CgroupFinder(string cgroupRoot = "/sys/fs/cgroup", string procRoot = "/proc")
{
    /// <summary>How deep a search for a unit or a container goes below the hierarchy's root (kubepods nest 4–5 deep).</summary>
    private const int MaxDepth = 8;

    /// <summary>Folder names a container's cgroup has, from its ID: Docker (cgroupfs: the bare ID), systemd-driven scopes.</summary>
    private static readonly string[] ContainerScopePrefixes = ["docker-", "cri-containerd-", "crio-", "libpod-", "containerd-"];

    /// <summary>True when the machine's cgroups are v2 only (cgroup.controllers at the root).</summary>
    public bool IsUnified => File.Exists(Path.Combine(cgroupRoot, "cgroup.controllers"));

    /// <summary>The v1 memory controller's mount, where there is one.</summary>
    private string V1Memory => Path.Combine(cgroupRoot, "memory");

    /// <exception cref="CgroupException">No such cgroup.</exception>
    public CgroupLocation FromPath(string path)
    {
        string relative = path;
        if (path.StartsWith(cgroupRoot.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            relative = path[cgroupRoot.TrimEnd('/').Length..];
            if (!IsUnified)
            {
                // /sys/fs/cgroup/memory/docker/abc: drop the controller's mount name.
                string[] parts = relative.Trim('/').Split('/', 2);
                relative = parts.Length == 2 ? parts[1] : "";
            }
        }

        relative = "/" + relative.Trim('/');
        return Locate(relative) ?? throw new CgroupException($"no cgroup '{path}' under {cgroupRoot}{(IsUnified ? "" : "/memory")}");
    }

    /// <summary>The cgroup of a process (its memory controller's under v1), from /proc/PID/cgroup.</summary>
    /// <exception cref="CgroupException">The process is gone or its cgroup cannot be read.</exception>
    public CgroupLocation OfProcess(int pid)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(Path.Combine(procRoot, pid.ToString(), "cgroup"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CgroupException($"cannot read the cgroup of PID {pid}: {e.Message}");
        }

        string? v2 = null, v1 = null;
        foreach (string line in lines)
        {
            string[] parts = line.Split(':', 3);
            if (parts.Length != 3)
            {
                continue;
            }

            if (parts[0] == "0" && parts[1].Length == 0)
            {
                v2 = parts[2];
            }
            else if (parts[1].Split(',').Contains("memory"))
            {
                v1 = parts[2];
            }
        }

        string? relative = IsUnified ? v2 : v1 ?? v2;
        return relative is not null && Locate(relative) is { } found
            ? found
            : throw new CgroupException($"PID {pid} is in no cgroup with a memory controller");
    }

    /// <summary>A systemd unit's cgroup (<c>NAME.service</c>, <c>.scope</c>, <c>.slice</c>; <c>.service</c> when no suffix is given).</summary>
    /// <exception cref="CgroupException">No unit of that name, or several.</exception>
    public CgroupLocation ForUnit(string unit)
    {
        string name = unit.Contains('.', StringComparison.Ordinal) ? unit : unit + ".service";
        List<string> found = Search(n => n == name);
        return found.Count switch
        {
            1 => Locate(found[0])!,
            0 => throw new CgroupException($"no cgroup for unit '{name}' under {HierarchyRoot()} (is it running, and is this machine run by systemd?)"),
            _ => throw new CgroupException($"unit '{name}' names {found.Count} cgroups: {string.Join(", ", found.Take(4))}; give --cgroup PATH"),
        };
    }

    /// <summary>A container's cgroup, by its full ID or a unique prefix of at least 4 characters.</summary>
    /// <exception cref="CgroupException">None, or the prefix is ambiguous.</exception>
    public CgroupLocation ForContainer(string idOrPrefix)
    {
        string id = idOrPrefix.Trim().ToLowerInvariant();
        if (id.Length < 4 || !id.All(Uri.IsHexDigit))
        {
            throw new CgroupException($"--container '{idOrPrefix}': give a container ID or a prefix of at least 4 hex digits");
        }

        List<string> found = Search(n => ContainerIdOf(n) is { } c && c.StartsWith(id, StringComparison.Ordinal));
        // The same container may show twice (a scope and its init child under some runtimes): keep the outermost.
        found = [.. found.Where(f => !found.Any(o => o != f && f.StartsWith(o + "/", StringComparison.Ordinal)))];
        HashSet<string> ids = [.. found.Select(f => ContainerIdOf(f[(f.LastIndexOf('/') + 1)..])!)];
        return ids.Count switch
        {
            1 => Locate(found[0])!,
            0 => throw new CgroupException($"no container '{idOrPrefix}' under {HierarchyRoot()} (docker, containerd, CRI-O, Podman, kubepods layouts)"),
            _ => throw new CgroupException($"container prefix '{idOrPrefix}' matches {ids.Count} containers ({string.Join(", ", ids.Take(4).Select(i => i[..12]))}); give more of the ID"),
        };
    }

    /// <summary>The container ID a cgroup folder's name stands for (64 hex digits, bare or in a runtime's scope name), or null.</summary>
    public static string? ContainerIdOf(string folderName)
    {
        string name = folderName.EndsWith(".scope", StringComparison.Ordinal) ? folderName[..^".scope".Length] : folderName;
        foreach (string prefix in ContainerScopePrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        return name.Length == 64 && name.All(Uri.IsHexDigit) ? name.ToLowerInvariant() : null;
    }

    private string HierarchyRoot() => IsUnified ? cgroupRoot : V1Memory;

    /// <summary>Relative paths ("/a/b") of the folders whose name matches, breadth first, bounded in depth.</summary>
    private List<string> Search(Func<string, bool> matches)
    {
        List<string> found = [];
        string root = HierarchyRoot();
        Queue<(string Folder, int Depth)> pending = new([(root, 0)]);
        while (pending.Count > 0)
        {
            (string folder, int depth) = pending.Dequeue();
            IEnumerable<string> children;
            try
            {
                children = Directory.EnumerateDirectories(folder).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (string child in children)
            {
                if (matches(Path.GetFileName(child)))
                {
                    found.Add("/" + Path.GetRelativePath(root, child));
                }
                else if (depth + 1 < MaxDepth)
                {
                    pending.Enqueue((child, depth + 1));
                }
            }
        }

        return found;
    }

    private CgroupLocation? Locate(string relative)
    {
        string trimmed = relative.Trim('/');
        string Under(string mount) => trimmed.Length == 0 ? mount : Path.Combine(mount, trimmed);
        if (IsUnified)
        {
            string folder = Under(cgroupRoot);
            if (!Directory.Exists(folder))
            {
                return null;
            }

            bool memory = File.Exists(Path.Combine(folder, "memory.current")) || File.Exists(Path.Combine(folder, "memory.stat"));
            bool pids = File.Exists(Path.Combine(folder, "pids.current"));
            return new CgroupLocation(2, "/" + trimmed, memory ? folder : null, pids ? folder : null, folder);
        }

        string memoryFolder = Under(V1Memory);
        if (!Directory.Exists(memoryFolder))
        {
            return null;
        }

        string pidsFolder = Under(Path.Combine(cgroupRoot, "pids"));
        return new CgroupLocation(1, "/" + trimmed, memoryFolder, Directory.Exists(pidsFolder) ? pidsFolder : null, memoryFolder);
    }
}

/// <summary>A cgroup that cannot be found or read: one line for the user.</summary>
public sealed class CgroupException(string message) : Exception(message);
