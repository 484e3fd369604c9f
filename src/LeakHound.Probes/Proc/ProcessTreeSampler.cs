namespace LeakHound.Probes.Proc;

/// <summary>Samples a set of root processes and, optionally, all their descendants as they come and go.</summary>
public sealed class ProcessTreeSampler : IDisposable
{
    private readonly int[] _roots;
    private readonly bool _includeChildren;
    private readonly Dictionary<int, ProcessProbe> _probes = [];

    /// <summary>Thread counts from the last sample: a single-threaded parent's children are in one kept-open file, not a task listing.</summary>
    private readonly Dictionary<int, double> _threads = [];

    /// <summary>Processes already told to have no readable PSS.</summary>
    private readonly HashSet<int> _toldNoPss = [];

    private readonly Func<IEnumerable<int>>? _adopted;

    /// <param name="roots">The processes to watch.</param>
    /// <param name="includeChildren">And their descendants.</param>
    /// <param name="adopted">More roots found each round: a launched command's orphans, which the watcher adopted (<see cref="LaunchedTree"/>).</param>
    /// <exception cref="ProcessNotFoundException">A root process does not exist or its /proc entry cannot be read.</exception>
    public ProcessTreeSampler(IEnumerable<int> roots, bool includeChildren = true, Func<IEnumerable<int>>? adopted = null)
    {
        _roots = roots.Distinct().ToArray();
        _includeChildren = includeChildren;
        _adopted = includeChildren ? adopted : null;
        foreach (int pid in _roots)
        {
            if (pid <= 0 || !ProcessTree.Exists(pid))
            {
                throw new ProcessNotFoundException(pid, $"no process with PID {pid}");
            }

            ProcessProbe probe = ProcessProbe.TryOpen(pid)
                ?? throw new ProcessNotFoundException(pid, $"cannot read /proc/{pid}/status (permission denied?)");
            _probes[pid] = probe;
        }
    }

    /// <summary>True once every watched process has exited.</summary>
    public bool AllExited => _probes.Count == 0;

    public IReadOnlyCollection<int> Pids => _probes.Keys;

    /// <summary>Reads every watched process; newly started descendants join, exited ones leave (and are reported once).</summary>
    public TreeSnapshot Sample(bool readPss)
    {
        if (_includeChildren)
        {
            Discover();
        }

        List<ProcessSample> samples = new(_probes.Count);
        List<int> exited = [];
        List<(int, string)>? noPss = null;
        foreach ((int pid, ProcessProbe probe) in _probes)
        {
            ProcessSample? sample = probe.Read(readPss);
            if (sample is null)
            {
                exited.Add(pid);
            }
            else
            {
                samples.Add(sample);
                _threads[pid] = sample.Threads;
                if (probe.PssUnreadable && _toldNoPss.Add(pid))
                {
                    (noPss ??= []).Add((pid, probe.Name));
                }
            }
        }

        foreach (int pid in exited)
        {
            _threads.Remove(pid);
            _toldNoPss.Remove(pid);
            _probes.Remove(pid, out ProcessProbe? probe);
            probe?.Dispose();
        }

        samples.Sort((a, b) => a.Pid.CompareTo(b.Pid));
        return new TreeSnapshot(samples, exited) { PssUnreadable = noPss ?? [] };
    }

    private void Discover()
    {
        foreach (int orphan in _adopted?.Invoke() ?? [])
        {
            if (!_probes.ContainsKey(orphan) && ProcessProbe.TryOpen(orphan) is { } probe)
            {
                _probes[orphan] = probe;
            }
        }

        Stack<int> pending = new(_probes.Keys);
        List<int> children = [];
        while (pending.Count > 0)
        {
            int parent = pending.Pop();
            children.Clear();
            bool singleThreaded = _threads.TryGetValue(parent, out double threads) && threads <= 1;
            if (!(singleThreaded && _probes.TryGetValue(parent, out ProcessProbe? parentProbe) && parentProbe.AddMainThreadChildren(children)))
            {
                children.AddRange(ProcessTree.ChildrenOf(parent)); // several threads, or no children file to keep open
            }

            foreach (int child in children)
            {
                if (!_probes.ContainsKey(child) && ProcessProbe.TryOpen(child) is { } probe)
                {
                    _probes[child] = probe;
                    pending.Push(child);
                }
            }
        }
    }

    public void Dispose()
    {
        foreach (ProcessProbe probe in _probes.Values)
        {
            probe.Dispose();
        }

        _probes.Clear();
    }
}

/// <summary>The process to watch does not exist or cannot be read.</summary>
public sealed class ProcessNotFoundException(int pid, string message) : Exception(message)
{
    public int Pid { get; } = pid;
}
