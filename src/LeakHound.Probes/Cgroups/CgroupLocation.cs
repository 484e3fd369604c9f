namespace LeakHound.Probes.Cgroups;

/// <summary>
/// One cgroup, found in whichever hierarchy the machine mounts: under v2, one folder holds every controller's files;
/// under v1, the memory and pids controllers each have a folder of the same relative path in their own mount.
/// </summary>
/// <param name="Version">1 or 2.</param>
/// <param name="RelativePath">The cgroup's path inside its hierarchy, as /proc/PID/cgroup writes it ("/" for the root).</param>
/// <param name="MemoryFolder">The folder with memory.* (v2: the cgroup's folder; v1: under the memory mount); null when the memory controller is not there.</param>
/// <param name="PidsFolder">The folder with pids.* (null when there is no pids controller).</param>
/// <param name="ProcsFolder">The folder whose cgroup.procs lists the cgroup's processes.</param>
public sealed record CgroupLocation(int Version, string RelativePath, string? MemoryFolder, string? PidsFolder, string ProcsFolder)
{
    public override string ToString() => $"cgroup v{Version} {RelativePath}";
}
