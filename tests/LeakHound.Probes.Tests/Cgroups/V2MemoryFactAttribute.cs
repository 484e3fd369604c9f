namespace LeakHound.Probes.Tests.Cgroups;

/// <summary>
/// A test that needs a real cgroup v2 memory controller (the unified hierarchy at /sys/fs/cgroup with memory enabled
/// for its children) and root; skipped, with the reason, on machines without one (these CI machines mount v1).
/// </summary>
public sealed class V2MemoryFactAttribute : FactAttribute
{
    public const string Root = "/sys/fs/cgroup";

    public V2MemoryFactAttribute()
    {
        if (!HasV2Memory())
        {
            Skip = "no cgroup v2 memory controller here (/sys/fs/cgroup is not the unified hierarchy with memory in cgroup.subtree_control, or not root); the v1 tests and the v2 fixture trees cover this machine";
        }
    }

    public static bool HasV2Memory()
    {
        try
        {
            return Environment.UserName == "root" && File.Exists(Path.Combine(Root, "cgroup.controllers"))
                && File.ReadAllText(Path.Combine(Root, "cgroup.subtree_control")).Split(' ', '\n').Contains("memory");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <summary>A test that needs a real cgroup v1 memory controller (mounted at /sys/fs/cgroup/memory) and root.</summary>
public sealed class V1MemoryFactAttribute : FactAttribute
{
    public V1MemoryFactAttribute()
    {
        if (!(Environment.UserName == "root" && File.Exists("/sys/fs/cgroup/memory/memory.usage_in_bytes")))
        {
            Skip = "no cgroup v1 memory controller here (or not root); the v2 test covers a unified host";
        }
    }
}
