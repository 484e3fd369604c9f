namespace LeakHound.Probes;

/// <summary>One value read: the series' name within its target, the value, and when it was measured.</summary>
public readonly record struct Reading(string Series, double Value, double T);

/// <summary>What a source of one target read in one round: values by series name, full collections, notices.</summary>
/// <param name="t">Seconds on the watch's time line at this round.</param>
/// <param name="readCostly">This round may read what is costly to read (PSS: a walk of every mapping on big processes).</param>
public sealed class SignalReadings(double t, bool readCostly = true)
{
    private readonly List<Reading> _values = [];
    private readonly List<double> _fullCollections = [];
    private readonly List<string> _notices = [];

    public double T { get; private set; } = t;

    public bool ReadCostly { get; private set; } = readCostly;

    /// <summary>Values read, by series name within the target (<c>rss</c>, <c>rss{pid="42",comm="node"}</c>, <c>rate(x_total)</c>).</summary>
    public IReadOnlyList<Reading> Values => _values;

    /// <summary>Full garbage collections seen since the last round, with the bytes live after each (NaN when unknown).</summary>
    public IReadOnlyList<double> FullCollections => _fullCollections;

    public IReadOnlyList<string> Notices => _notices;

    /// <summary>Adds one value measured now (at <see cref="T"/>); a missing one (null, NaN) is left out.</summary>
    public void Add(string series, double? value) => Add(series, value, T);

    /// <summary>Adds one value measured at <paramref name="t"/> (a replayed trace keeps its own times), at most <see cref="T"/>.</summary>
    public void Add(string series, double? value, double t)
    {
        if (value is { } v && double.IsFinite(v))
        {
            _values.Add(new(series, v, Math.Min(t, T)));
        }
    }

    public void AddFullCollection(double liveBytes) => _fullCollections.Add(liveBytes);

    /// <summary>Why the target's processes were replaced this round (a service restarted), or null when they were not.</summary>
    public string? Restart { get; private set; }

    /// <summary>Processes the kernel's OOM killer killed in the target since the last round.</summary>
    public int OomKills { get; private set; }

    /// <summary>Tells the watch that every process of the target was replaced by new ones this round.</summary>
    public void Restarted(string why) => Restart = why;

    public void OomKilled(int count) => OomKills += count;

    public void Notice(string message) => _notices.Add(message);

    /// <summary>Empties the readings for the next round (one object serves every round of a target: no garbage per round).</summary>
    public void Reset(double t, bool readCostly)
    {
        T = t;
        ReadCostly = readCostly;
        _values.Clear();
        _fullCollections.Clear();
        Restart = null;
        OomKills = 0;
        _notices.Clear();
    }
}
