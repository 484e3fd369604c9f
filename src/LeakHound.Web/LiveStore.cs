using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;

namespace LeakHound.Web;

/// <summary>
/// What the dashboard, the JSON API and /metrics show: per target and series, the recent points (a bounded ring) and
/// the latest verdict. The watch loop writes; HTTP requests read under the same lock. Memory is bounded by
/// <see cref="PointsPerSeries"/> × <see cref="MaxSeries"/>, however long the watch runs.
/// </summary>
public sealed class LiveStore
{
    public const int PointsPerSeries = 1800;
    public const int MaxSeries = 2000;

    private readonly Lock _gate = new();
    private readonly List<LiveTarget> _targets = [];
    private readonly List<LiveSeries> _series = [];
    private readonly Dictionary<(int Target, string Name), LiveSeries> _byName = [];
    private readonly List<(int Id, double T, double V)> _roundPoints = [];
    private readonly List<VerdictChange> _roundChanges = [];
    private readonly List<TimelineMark> _marks = [];
    private IReadOnlyList<ExplanationTable> _explanations = [];
    private bool _explanationsChanged;
    private long _round;

    /// <summary>Raised after each round of samples with its new points and verdict changes (serialised JSON).</summary>
    public event Action<string>? RoundCompleted;

    public int AddTarget(string label, int? pid)
    {
        lock (_gate)
        {
            _targets.Add(new LiveTarget(_targets.Count, label, pid));
            return _targets.Count - 1;
        }
    }

    /// <summary>The explanations finished so far (what grows in a target), sent with the next round.</summary>
    public void SetExplanations(IReadOnlyList<ExplanationTable> explanations)
    {
        lock (_gate)
        {
            _explanations = explanations;
            _explanationsChanged = true;
        }
    }

    /// <summary>A gap or a restart of the time line, drawn on every chart (a watch has a handful).</summary>
    public void AddMark(TimelineMark mark)
    {
        lock (_gate)
        {
            if (_marks.Count < MaxMarks)
            {
                _marks.Add(mark);
            }
        }
    }

    /// <summary>Bounds the marks a watch fed with many restarts can leave (the oldest are kept: the history has all).</summary>
    public const int MaxMarks = 1000;

    public void Append(int target, double t, string series, double value)
    {
        lock (_gate)
        {
            if (!_byName.TryGetValue((target, series), out LiveSeries? s))
            {
                if (_series.Count >= MaxSeries)
                {
                    return;
                }

                s = new LiveSeries(_series.Count, target, series);
                _series.Add(s);
                _byName[(target, series)] = s;
            }

            s.Add(t, value);
            _roundPoints.Add((s.Id, t, value));
        }
    }

    /// <summary>Ends a round: stores the verdicts, notes which changed, and publishes the round.</summary>
    public void EndRound(int target, IReadOnlyList<SeriesVerdict> verdicts, bool exited)
    {
        lock (_gate)
        {
            _targets[target] = _targets[target] with { Exited = exited };
            foreach (SeriesVerdict v in verdicts)
            {
                if (_byName.TryGetValue((target, v.Series), out LiveSeries? s))
                {
                    if (s.Verdict is { } before && before.Verdict != v.Verdict)
                    {
                        _roundChanges.Add(new VerdictChange(s.Id, before.Verdict.ToName(), v.Verdict.ToName(), v.AtSeconds));
                    }

                    s.Verdict = v;
                }
            }
        }
    }

    /// <summary>
    /// Publishes the points and changes gathered since the last call (nothing is serialised while no one listens: a
    /// watch of a thousand targets pays for its event stream only while a dashboard is open).
    /// </summary>
    public void Publish()
    {
        string? message = null;
        lock (_gate)
        {
            _round++;
            if (RoundCompleted is not null)
            {
                message = Json.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteNumber("round", _round);
                    w.WriteStartArray("points");
                    foreach ((int id, double t, double v) in _roundPoints)
                    {
                        w.WriteStartArray();
                        w.WriteNumberValue(id);
                        w.WriteNumberValue(t);
                        if (double.IsFinite(v)) { w.WriteNumberValue(v); } else { w.WriteNullValue(); }
                        w.WriteEndArray();
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("verdicts");
                    foreach (LiveSeries s in _series)
                    {
                        if (s.Verdict is { } verdict)
                        {
                            Json.Verdict(w, s.Id, verdict);
                        }
                    }

                    w.WriteEndArray();
                    w.WriteStartArray("changes");
                    foreach (VerdictChange c in _roundChanges)
                    {
                        w.WriteStartObject();
                        w.WriteNumber("id", c.Id);
                        w.WriteString("series", _series[c.Id].Name);
                        w.WriteString("target", _targets[_series[c.Id].Target].Label);
                        w.WriteString("from", c.From);
                        w.WriteString("to", c.To);
                        w.WriteNumber("at_seconds", c.AtSeconds);
                        w.WriteEndObject();
                    }

                    w.WriteEndArray();
                    if (_explanationsChanged)
                    {
                        Json.Explanations(w, _explanations);
                    }

                    w.WriteEndObject();
                });
            }

            _explanationsChanged = false;
            _roundPoints.Clear();
            _roundChanges.Clear();
        }

        if (message is not null)
        {
            RoundCompleted?.Invoke(message);
        }
    }

    /// <summary>A consistent copy for one request.</summary>
    public Snapshot Read()
    {
        lock (_gate)
        {
            return new Snapshot(
                [.. _targets],
                [.. _series.Select(s => new SeriesSnapshot(s.Id, s.Target, s.Name, s.Verdict, s.Points()))]) { Marks = [.. _marks], Explanations = _explanations };
        }
    }

    public sealed record LiveTarget(int Id, string Label, int? Pid, bool Exited = false);

    public sealed record SeriesSnapshot(int Id, int Target, string Name, SeriesVerdict? Verdict, (double T, double V)[] Points);

    public sealed record Snapshot(IReadOnlyList<LiveTarget> Targets, IReadOnlyList<SeriesSnapshot> Series)
    {
        public IReadOnlyList<TimelineMark> Marks { get; init; } = [];

        public IReadOnlyList<ExplanationTable> Explanations { get; init; } = [];
    }

    private sealed record VerdictChange(int Id, string From, string To, double AtSeconds);

    private sealed class LiveSeries(int id, int target, string name)
    {
        private readonly (double T, double V)[] _ring = new (double, double)[PointsPerSeries];
        private int _count;

        public int Id { get; } = id;
        public int Target { get; } = target;
        public string Name { get; } = name;
        public SeriesVerdict? Verdict { get; set; }

        public void Add(double t, double v) => _ring[_count++ % PointsPerSeries] = (t, v);

        public (double T, double V)[] Points()
        {
            int n = Math.Min(_count, PointsPerSeries);
            (double, double)[] copy = new (double, double)[n];
            for (int i = 0; i < n; i++)
            {
                copy[i] = _ring[(_count - n + i) % PointsPerSeries];
            }

            return copy;
        }
    }
}
