namespace LeakHound.Probes.Proc;

/// <summary>All watched processes at one moment, and the tree totals LeakHound judges first.</summary>
public sealed record TreeSnapshot(IReadOnlyList<ProcessSample> Processes, IReadOnlyList<int> Exited)
{
    public double Rss => Processes.Sum(p => p.RssBytes);

    public double? Anon => SumOrNull(p => p.AnonBytes);

    public double? Swap => SumOrNull(p => p.SwapBytes);

    public double? Pss => SumOrNull(p => p.PssBytes);

    public double Threads => Processes.Sum(p => p.Threads);

    public double? Fds => SumOrNull(p => p.OpenFds);

    public int ProcessCount => Processes.Count;

    /// <summary>Processes whose PSS could not be read, told the first time (their PID and name): the tree's pss leaves them out.</summary>
    public IReadOnlyList<(int Pid, string Name)> PssUnreadable { get; init; } = [];

    /// <summary>The sum, or null when no process reported the field.</summary>
    private double? SumOrNull(Func<ProcessSample, double?> field)
    {
        double sum = 0;
        bool any = false;
        foreach (ProcessSample p in Processes)
        {
            if (field(p) is { } v)
            {
                sum += v;
                any = true;
            }
        }

        return any ? sum : null;
    }
}
