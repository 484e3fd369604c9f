using LeakHound.Core.Signals;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Cgroups;

/// <summary>
/// A cgroup as a source — a container, a systemd unit, any cgroup: its memory as the kernel charges it (anonymous
/// memory, page cache, working set, kernel and socket memory, swap), its task count, its OOM kills and limit hits, and
/// the processes in it, re-read every round, as a process tree. It never ends on its own: a service that stops, is
/// OOM-killed or is restarted comes back in the same cgroup, and when every process was replaced by new ones it tells
/// the watch so (<see cref="SignalReadings.Restarted"/>).
/// </summary>
public sealed class CgroupSource : ISignalSource
{
    private readonly ProcTreeSource _processes;
    private HashSet<ProcessIdentity> _lastMembers = [];
    private IReadOnlyList<int> _pids = [];
    private double? _oomKills;
    private bool _empty;

    /// <param name="cgroup">Which cgroup.</param>
    /// <param name="perProcess">Also each process's own series.</param>
    public CgroupSource(CgroupLocation cgroup, bool perProcess = true)
    {
        Cgroup = cgroup;
        // The sampler's roots are this round's cgroup.procs, read once in ReadAsync.
        _processes = new ProcTreeSource(new ProcessTreeSampler([], includeChildren: true, adopted: () => _pids), perProcess);
    }

    public CgroupLocation Cgroup { get; }

    /// <summary>The cgroup's processes as a tree (their rss, threads, descriptors).</summary>
    public ProcTreeSource Processes => _processes;

    /// <summary>The latest reading of the cgroup (null before the first).</summary>
    public CgroupStats? Latest { get; private set; }

    public async ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        IReadOnlyList<int> pids = _pids = CgroupStatsReader.Processes(Cgroup);
        HashSet<ProcessIdentity> members = [.. pids.Select(ProcessIdentity.Of).OfType<ProcessIdentity>()];
        TellMembership(members, into);
        await _processes.ReadAsync(into, cancel);

        CgroupStats stats = CgroupStatsReader.Read(Cgroup);
        Latest = stats;
        into.Add(PageCache.WorkingSet, stats.WorkingSet);
        into.Add(PageCache.Anon, stats.Anon);
        into.Add(PageCache.Cache, stats.File);
        into.Add(PageCache.ActiveFile, stats.ActiveFile);
        into.Add(PageCache.Usage, stats.Usage);
        into.Add(PageCache.Kernel, stats.Kernel);
        into.Add(PageCache.Sock, stats.Sock);
        into.Add("shmem", stats.Shmem);
        into.Add("cgroup_swap", stats.Swap);
        into.Add("pids", stats.Pids ?? (pids.Count > 0 ? pids.Count : null));
        into.Add("oom_kills", stats.OomKills);
        into.Add("memory_failcnt", stats.FailCount);
        if (stats.OomKills is { } kills)
        {
            // Kills before the watch are the cgroup's past; a count that went down is a cgroup made again (same path).
            if (_oomKills is { } before && kills > before)
            {
                into.OomKilled((int)(kills - before));
            }

            _oomKills = kills;
        }
    }

    /// <summary>Tells a cgroup left empty, and a restart: every process of the last members replaced by new ones.</summary>
    private void TellMembership(HashSet<ProcessIdentity> members, SignalReadings into)
    {
        if (members.Count == 0)
        {
            if (!_empty && _lastMembers.Count > 0)
            {
                into.Notice(Directory.Exists(Cgroup.ProcsFolder)
                    ? $"{Cgroup} has no processes now (stopped, or killed); watching for them to come back"
                    : $"{Cgroup} is gone (its container or unit was removed); watching for it to come back");
            }

            _empty = true;
            return;
        }

        if (_lastMembers.Count > 0 && !members.Overlaps(_lastMembers))
        {
            int[] gone = [.. _lastMembers.Select(p => p.Pid).Order().Take(3)];
            int[] now = [.. members.Select(p => p.Pid).Order().Take(3)];
            into.Restarted($"every process was replaced (PID {string.Join(", ", gone)}{(_lastMembers.Count > 3 ? ", …" : "")} → {string.Join(", ", now)}{(members.Count > 3 ? ", …" : "")})");
        }

        _empty = false;
        _lastMembers = members;
    }

    public void Dispose() => _processes.Dispose();
}
