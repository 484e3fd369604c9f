using System.Text.Json.Nodes;
using LeakHound.Core.Verdicts;

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

    /// <summary>Publishes the points and changes gathered since the last call.</summary>
    public void Publish()
    {
        string message;
        lock (_gate)
        {
            _round++;
            JsonObject round = new()
            {
                ["round"] = _round,
                ["points"] = new JsonArray([.. _roundPoints.Select(p => (JsonNode)new JsonArray(p.Id, p.T, Finite(p.V)))]),
                ["verdicts"] = new JsonArray([.. _series.Where(s => s.Verdict is not null).Select(s => (JsonNode)Json.Verdict(s.Id, _targets[s.Target].Label, s.Verdict!))]),
                ["changes"] = new JsonArray([.. _roundChanges.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id, ["series"] = _series[c.Id].Name, ["target"] = _targets[_series[c.Id].Target].Label,
                    ["from"] = c.From, ["to"] = c.To, ["at_seconds"] = c.AtSeconds,
                })]),
            };
            _roundPoints.Clear();
            _roundChanges.Clear();
            message = Json.Text(round);
        }

        RoundCompleted?.Invoke(message);
    }

    /// <summary>A consistent copy for one request.</summary>
    public Snapshot Read()
    {
        lock (_gate)
        {
            return new Snapshot(
                [.. _targets],
                [.. _series.Select(s => new SeriesSnapshot(s.Id, s.Target, s.Name, s.Verdict, s.Points()))]);
        }
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    public sealed record LiveTarget(int Id, string Label, int? Pid, bool Exited = false);

    public sealed record SeriesSnapshot(int Id, int Target, string Name, SeriesVerdict? Verdict, (double T, double V)[] Points);

    public sealed record Snapshot(IReadOnlyList<LiveTarget> Targets, IReadOnlyList<SeriesSnapshot> Series);

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
