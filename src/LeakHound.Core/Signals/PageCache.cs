using LeakHound.Core.Detection;
using LeakHound.Core.Series;

namespace LeakHound.Core.Signals;

/// <summary>
/// The series of a cgroup and the one policy for its page cache. A cgroup is charged for the files its processes read
/// and write (page cache) as well as for their heaps; the cache is reclaimable — the kernel frees it before it OOM-kills —
/// so its growth is never a leak (kubernetes/kubernetes#43916 is the classic false alarm). Leaks are judged on
/// anonymous memory and on the working set (usage less inactive file: what kubelet evicts on and the OOM killer acts on),
/// and the working set's rise counts only when page cache does not explain it.
/// </summary>
public static class PageCache
{
    /// <summary>Usage less inactive file cache.</summary>
    public const string WorkingSet = "working_set";

    /// <summary>The cgroup's anonymous memory (v2 anon, v1 total_rss).</summary>
    public const string Anon = "cgroup_anon";

    /// <summary>All page cache charged to the cgroup (v2 file, v1 total_cache).</summary>
    public const string Cache = "page_cache";

    /// <summary>The recently used part of the page cache, which the working set still counts.</summary>
    public const string ActiveFile = "active_file";

    /// <summary>Everything charged, page cache included (shown, never judged for a leak).</summary>
    public const string Usage = "cgroup_usage";

    /// <summary>The working set's rise is the cache's when active file cache grew by more than this share of it.</summary>
    private const double CacheShare = 0.5;

    /// <summary>The kernel's own memory charged to the cgroup (slab, stacks, page tables).</summary>
    public const string Kernel = "kernel_memory";

    /// <summary>Network buffers charged to the cgroup.</summary>
    public const string Sock = "sock_memory";

    /// <summary>
    /// Series shown for context, never a leak, never holding a watch up: page cache, which the kernel takes back on its
    /// own, and the kernel's and the network's memory, which grow with the cache's own index, dentries and inodes and
    /// with traffic (a leak of sockets, threads or descriptors shows in <c>fds</c> and <c>threads</c>).
    /// </summary>
    public static bool IsReclaimable(string signal) => signal is Cache or ActiveFile or Usage or Kernel or Sock;

    /// <summary>The byte series a cgroup source writes.</summary>
    internal static readonly string[] ByteSignals = [WorkingSet, Anon, Cache, ActiveFile, Usage, Kernel, Sock, "shmem", "cgroup_swap"];

    /// <summary>
    /// What a leak of <paramref name="key"/> needs beyond its own samples, or null when nothing: reclaimable series never
    /// have it; the working set needs its rise not to be page cache (<paramref name="activeFile"/>, the target's
    /// <see cref="ActiveFile"/> detector, when there is one).
    /// </summary>
    public static LeakEvidence? EvidenceFor(SeriesKey key, Func<SeriesDetector?> activeFile)
    {
        if (!key.IsTreeLevel)
        {
            return null;
        }

        if (key.Signal is Kernel or Sock)
        {
            return (_, _, _) => "kernel and network memory grow with the page cache's index, dentries, inodes and traffic, most of it reclaimable: shown, not judged (working_set and cgroup_anon are; leaked sockets and threads show in fds and threads)";
        }

        if (IsReclaimable(key.Signal))
        {
            return (_, _, _) => "this is page cache, which the kernel reclaims before it OOM-kills: its growth is not a leak (working_set and cgroup_anon are judged)";
        }

        if (key.Signal != WorkingSet)
        {
            return null;
        }

        return (start, end, slope) =>
        {
            if (activeFile() is not { } cache || cache.RiseBetween(start, end) is not { } cacheRise)
            {
                return null; // no cache reading: the working set speaks for itself
            }

            double rise = slope * (end - start);
            return cacheRise > CacheShare * rise
                ? $"the working set rises only because of page cache (active file cache +{Units.Quantity.FormatBytes(cacheRise)} of its +{Units.Quantity.FormatBytes(rise)} over {end - start:0.#}s); page cache is reclaimable"
                : null;
        };
    }
}
