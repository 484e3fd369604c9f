namespace LeakHound.Probes.Proc;

/// <summary>
/// A process tree as a source: the tree's totals (<c>rss</c>, <c>anon</c>, <c>swap</c>, <c>pss</c>, <c>threads</c>,
/// <c>fds</c>, <c>procs</c>) and, once the tree has several processes, each process's own <c>rss</c>, <c>threads</c> and
/// <c>fds</c> labelled with its pid and command. It ends when every process of the tree has exited.
/// </summary>
public sealed class ProcTreeSource(ProcessTreeSampler sampler, bool perProcess = true) : ISignalSource
{
    private bool _toldNoPss;

    public ProcessTreeSampler Sampler { get; } = sampler;

    /// <summary>The most processes the tree has had at once.</summary>
    public int MaxProcesses { get; private set; }

    /// <summary>The latest reading of the tree (null before the first).</summary>
    public TreeSnapshot? Latest { get; private set; }

    public bool Ended { get; private set; }

    public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        TreeSnapshot snap = Sampler.Sample(into.ReadCostly);
        Latest = snap;
        if (snap.Processes.Count == 0)
        {
            Ended = true;
            return ValueTask.CompletedTask;
        }

        MaxProcesses = Math.Max(MaxProcesses, snap.ProcessCount);
        if (snap.PssUnreadable.Count > 0 && !_toldNoPss)
        {
            // Once per watch: PSS needs ptrace access to the process (its owner or root); the rest is read as usual.
            _toldNoPss = true;
            (int pid, string name) = snap.PssUnreadable[0];
            string more = snap.PssUnreadable.Count > 1 ? $" and {snap.PssUnreadable.Count - 1} more" : "";
            into.Notice($"pss is not read for PID {pid} ({name}){more}: /proc/{pid}/smaps_rollup is not readable (another user's process? watch as its owner or root); pss counts the other processes only");
        }
        into.Add("rss", snap.Rss);
        into.Add("anon", snap.Anon);
        into.Add("swap", snap.Swap);
        if (into.ReadCostly)
        {
            into.Add("pss", snap.Pss);
        }

        into.Add("threads", snap.Threads);
        into.Add("fds", snap.Fds);
        into.Add("procs", snap.ProcessCount);
        if (perProcess && MaxProcesses > 1)
        {
            foreach (ProcessSample p in snap.Processes)
            {
                string labels = $"{{pid=\"{p.Pid}\",comm=\"{p.Name.Replace("\"", "'", StringComparison.Ordinal)}\"}}";
                into.Add("rss" + labels, p.RssBytes);
                into.Add("threads" + labels, p.Threads);
                into.Add("fds" + labels, p.OpenFds);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose() => Sampler.Dispose();
}
