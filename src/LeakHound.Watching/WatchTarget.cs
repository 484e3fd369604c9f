using LeakHound.Core.Detection;
using LeakHound.Core.Series;
using LeakHound.Probes;
using LeakHound.Probes.Cgroups;
using LeakHound.Probes.DotNet.EventPipe;
using LeakHound.Probes.Node;
using LeakHound.Probes.Prometheus;
using LeakHound.Probes.Proc;
using LeakHound.Watching.Launch;

namespace LeakHound.Watching;

/// <summary>
/// One target of a watch: a process tree (launched or attached), the sources its signals come from, its detectors with
/// its own limits, and what the watch remembers of each series.
/// </summary>
public sealed class WatchTarget : IDisposable
{
    private readonly List<ISignalSource> _sources = [];
    private readonly List<SignalReadings> _readings = [];
    private readonly Dictionary<string, SeriesKey> _keys = new(StringComparer.Ordinal);
    private readonly Dictionary<SeriesKey, SeriesTrack> _tracks = [];

    /// <param name="label">How people see it: "node (4242)".</param>
    /// <param name="tree">Its process tree; the target ends when the tree does.</param>
    /// <param name="detectors">Its detectors, with its limits.</param>
    /// <param name="launched">The process LeakHound started, for <c>run</c>; null when attached.</param>
    public WatchTarget(string label, ISignalSource tree, DetectorSet detectors, LaunchedProcess? launched = null)
    {
        Label = label;
        Tree = tree;
        Detectors = detectors;
        Launched = launched;
        AddSource(tree);
    }

    /// <summary>How people see it ("node (4242)"); also the target of its series' keys.</summary>
    public string Label { get; }

    /// <summary>The process tree: its end is the target's end.</summary>
    public ISignalSource Tree { get; }

    /// <summary>Every source, the tree first.</summary>
    public IReadOnlyList<ISignalSource> Sources => _sources;

    public DetectorSet Detectors { get; }

    public LaunchedProcess? Launched { get; }

    /// <summary>The process whose runtime is read and that a stop rule signals (the launched process or the given PID).</summary>
    public int RootPid { get; init; }

    /// <summary>The root process with its start time, as it was when the watch began: a stop rule signals only that one.</summary>
    public ProcessIdentity? RootIdentity { get; init; }

    /// <summary>
    /// Completes when the target's root process exits, so that the watch reads it at once (null when that cannot be
    /// told before the next sample). Once complete it stays so: a root that is gone while its tree lives is not waited on.
    /// </summary>
    public Task? RootExited => _rootExited ??= Launched is { } launched ? launched.ExitedTask
        : RootIdentity is { } root && ProcessExits.Supported ? ProcessExits.WhenExited(root) : null;

    private Task? _rootExited;

    /// <summary>What is watched, whole: the launched command line, or the attached process's (the watch history matches --resume on it).</summary>
    public string CommandLine { get; init; } = "";

    public bool Exited { get; internal set; }

    public double? ExitedAtSeconds { get; internal set; }

    /// <summary>The most processes the tree had at once.</summary>
    public int MaxProcesses => (Tree as ProcTreeSource ?? (Tree as CgroupSource)?.Processes)?.MaxProcesses ?? 1;

    /// <summary>The cgroup watched, for a target that is one (<c>--cgroup</c>, <c>--unit</c>, <c>--container</c>).</summary>
    public CgroupLocation? Cgroup => (Tree as CgroupSource)?.Cgroup;

    /// <summary>OOM kills seen, oldest first.</summary>
    public IReadOnlyList<OomKill> OomKills => _oomKills;

    private readonly List<OomKill> _oomKills = [];

    /// <summary>Its Go program's net/http/pprof, for explanations (<c>--pprof-url</c>); null when it has none.</summary>
    public Uri? Pprof { get; set; }

    /// <summary>Restarts of the target's processes seen during the watch.</summary>
    public int Restarts { get; internal set; }

    /// <summary>The first time to the limit projected since the processes last started: (series, when, reaching the limit at).</summary>
    internal (string Series, double From, double At)? Projection { get; set; }

    internal void AddOomKill(OomKill kill) => _oomKills.Add(kill);

    /// <summary>The .NET runtime counters, when the root is a .NET process (null when not read).</summary>
    public RuntimeCounterSource? Runtime => _sources.OfType<RuntimeCounterSource>().FirstOrDefault();

    /// <summary>The Node.js inspector's gauges, when the root is a Node.js process and <c>--node-inspector</c> was given (null otherwise).</summary>
    public NodeInspectorSource? NodeInspector => _sources.OfType<NodeInspectorSource>().FirstOrDefault();

    /// <summary>What the watch remembers of each series, in the order they appeared.</summary>
    public IReadOnlyDictionary<SeriesKey, SeriesTrack> Tracks => _tracks;

    public void AddSource(ISignalSource source)
    {
        _sources.Add(source);
        _readings.Add(new SignalReadings(0));
    }

    /// <summary>
    /// Reads every source for one round, each into its own readings (reused from round to round). Sources run side by
    /// side (scrapes wait on the network); the tree is read first, so that a runtime source sees this round's memory.
    /// </summary>
    public async ValueTask<IReadOnlyList<SignalReadings>> ReadAsync(double t, bool readCostly, CancellationToken cancel)
    {
        ValueTask[]? pending = null;
        for (int i = 0; i < _sources.Count; i++)
        {
            _readings[i].Reset(t, readCostly);
            ValueTask read = _sources[i].ReadAsync(_readings[i], cancel);
            if (!read.IsCompletedSuccessfully)
            {
                (pending ??= new ValueTask[_sources.Count])[i] = read;
            }
        }

        if (pending is not null)
        {
            foreach (ValueTask read in pending)
            {
                await read;
            }
        }

        return _readings;
    }

    /// <summary>The key of a series name read from a source (created once per name).</summary>
    public SeriesKey KeyOf(string name)
    {
        if (!_keys.TryGetValue(name, out SeriesKey? key))
        {
            key = SeriesKey.Of(name, Label);
            _keys[name] = key;
        }

        return key;
    }

    internal SeriesTrack Track(SeriesKey key)
    {
        if (!_tracks.TryGetValue(key, out SeriesTrack? track))
        {
            track = new SeriesTrack();
            _tracks[key] = track;
        }

        return track;
    }

    /// <summary>
    /// True when the target's conclusion is reached: a series leaks, or every resource series (its memory and counts as
    /// a whole; PSS, read only now and then, never holds a watch up) has a settled verdict.
    /// </summary>
    public bool IsDecided()
    {
        bool any = false;
        foreach ((SeriesKey key, SeriesTrack track) in _tracks)
        {
            if (track.Verdict == Core.Verdicts.Verdict.Leak)
            {
                return true;
            }

            if (key.IsResource)
            {
                any = true;
                if (!track.IsSettled)
                {
                    return false;
                }
            }
        }

        return any;
    }

    /// <summary>
    /// A target for a process tree with its own limits: its cgroup's memory limit (or --limit, or the machine's), its
    /// descriptor and task limits, and its .NET runtime counters when it is a .NET process and they are wanted.
    /// </summary>
    /// <exception cref="WatchException">No such process, or its /proc entry cannot be read (target failed).</exception>
    public static WatchTarget ForProcess(string label, int pid, WatchSettings settings, LaunchedProcess? launched = null)
    {
        Func<IEnumerable<int>>? adopted = launched is not null && settings.IncludeChildren ? launched.Tree.AdoptedOrphans : null;
        (ProcessTreeSampler sampler, int limitsOf) = OpenTree(pid, settings.IncludeChildren, launched, adopted);

        MemoryLimit memory = settings.LimitBytes is { } l ? new MemoryLimit(l, "--limit") : MemoryLimits.ForProcess(limitsOf);
        Limits limits = new(memory.Bytes, FdLimit.ForProcess(limitsOf), TaskLimit.ForProcess(limitsOf), memory.Source);
        ProcTreeSource tree = new(sampler, settings.PerProcess);
        WatchTarget target = new(label, tree, new DetectorSet(settings.Detector, limits), launched)
        {
            RootPid = pid,
            RootIdentity = ProcessIdentity.Of(pid),
            CommandLine = launched?.CommandLine ?? ReadCommandLine(pid),
        };
        if (settings.NodeInspector && Probes.Node.NodeInspector.IsNode(pid))
        {
            target.AddSource(new NodeInspectorSource(pid, label, TimeSpan.FromSeconds(Math.Clamp(settings.IntervalSeconds * 0.8, 0.5, 10))));
        }
        else if (settings.RuntimeCounters)
        {
            target.AddSource(new RuntimeCounterSource(pid, label, settings.IntervalSeconds,
                () => tree.Latest?.Processes.FirstOrDefault(p => p.Pid == pid)?.RssBytes));
        }

        return target;
    }

    /// <summary>
    /// The sampled tree of a process. A launched daemon may have forked and exited before this first look: then what it
    /// left behind is the target — its adopted orphans, looked for again while they are themselves forking away.
    /// </summary>
    private static (ProcessTreeSampler Sampler, int LimitsOf) OpenTree(int pid, bool includeChildren, LaunchedProcess? launched, Func<IEnumerable<int>>? adopted)
    {
        try
        {
            return (new ProcessTreeSampler([pid], includeChildren, adopted), pid);
        }
        catch (ProcessNotFoundException e)
        {
            // Up to a second: the command may still be exiting (its children not yet handed over), or an orphan may end
            // between the look and the open (a fork chain on its way). Only a command that exited at once waits here.
            for (int attempt = 0; launched is not null && attempt < 50; attempt++)
            {
                if (launched.Tree.AdoptedOrphans() is { Count: > 0 } orphans)
                {
                    try
                    {
                        return (new ProcessTreeSampler(orphans, includeChildren, adopted), orphans[0]);
                    }
                    catch (ProcessNotFoundException)
                    {
                        // look again
                    }
                }

                Thread.Sleep(20);
            }

            throw new WatchException(e.Message, targetFailed: true);
        }
    }

    /// <summary>A running process's command line from /proc (its name when that is empty, as for a kernel thread).</summary>
    private static string ReadCommandLine(int pid)
    {
        try
        {
            string[] argv = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            return argv.Length > 0 ? LaunchedProcess.Quote(argv) : File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    /// <summary>
    /// A target for a cgroup (a container, a systemd unit): its processes re-read every round, its memory as the kernel
    /// charges it, the tightest memory and pids limits of the cgroup and its ancestors (or --limit).
    /// </summary>
    public static WatchTarget ForCgroup(string label, CgroupLocation cgroup, WatchSettings settings)
    {
        MemoryLimit memory = settings.LimitBytes is { } l ? new MemoryLimit(l, "--limit") : MemoryLimits.ForCgroup(cgroup);
        // The cgroup's pids.max and the machine's bound: its processes may run as any user, so no one user's limit applies.
        double? tasks = TaskLimit.Tightest(MemoryLimits.PidsLimit(cgroup), TaskLimit.Kernel());
        Limits limits = new(memory.Bytes, null, tasks, memory.Source);
        return new WatchTarget(label, new CgroupSource(cgroup, settings.PerProcess), new DetectorSet(settings.Detector, limits))
        {
            CommandLine = cgroup.ToString(),
        };
    }

    /// <summary>
    /// Scrapes the settings' Prometheus endpoints every round as part of this target (their series narrowed by its
    /// patterns), and takes the settings' Go pprof endpoint as its own.
    /// </summary>
    public void Scrape(WatchSettings settings)
    {
        Pprof ??= settings.PprofUrl;
        TimeSpan timeout = TimeSpan.FromSeconds(Math.Clamp(settings.IntervalSeconds * 0.8, 0.2, 10));
        Func<string, bool>? filter = SeriesPattern.AnyOf(settings.MetricPatterns);
        foreach (Uri url in settings.MetricsUrls)
        {
            AddSource(new ScrapeSource(new MetricsScraper(url, timeout, filter)));
        }
    }

    public void Dispose()
    {
        if (Launched is null && RootIdentity is { } root && _rootExited is { IsCompleted: false })
        {
            ProcessExits.Forget(root);
        }

        foreach (ISignalSource source in _sources)
        {
            source.Dispose();
        }

        Launched?.Dispose();
    }
}
