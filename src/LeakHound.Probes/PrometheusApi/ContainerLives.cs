namespace LeakHound.Probes.PrometheusApi;

/// <summary>
/// Joins the lives of a Kubernetes container into one series. cAdvisor labels each life of a container with the
/// runtime's ID (<c>id</c>, <c>name</c>, and the image it ran): a container restarted in its pod — OOM-killed, crashed,
/// redeployed in place — becomes a new series, and each life alone may be too short to judge. Series with a <c>pod</c>
/// and a <c>container</c> label that differ only in those labels are one container; its lives are fed in time order as
/// one series, with a restart where each new life begins (the detector judges from there, and knows the leak before it).
/// </summary>
public sealed class ContainerLives
{
    /// <summary>Labels a container runtime gives each life of a container.</summary>
    private static readonly HashSet<string> s_lifeLabels = new(StringComparer.Ordinal) { "id", "name", "image", "image_id", "container_id" };

    private readonly Dictionary<string, (string Life, double LastT)> _current = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _restarts = new(StringComparer.Ordinal);

    /// <summary>Restarts seen per joined series key.</summary>
    public IReadOnlyDictionary<string, int> Restarts => _restarts;

    /// <summary>The container a series is a life of (its labels less the runtime's), or null when it is not a container's.</summary>
    public static RangeSeries? ContainerOf(RangeSeries series) =>
        series.Labels.ContainsKey("pod") && series.Labels.ContainsKey("container") && series.Labels.Keys.Any(s_lifeLabels.Contains)
            ? series with { Labels = series.Labels.Where(l => !s_lifeLabels.Contains(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal) }
            : null;

    /// <summary>
    /// One page of a range query, with the lives of each container joined: its points in time order (where two lives
    /// overlap, the newer one's), and the restarts to mark before them (key, time).
    /// </summary>
    public (IReadOnlyList<RangeSeries> Page, IReadOnlyList<(string Key, double T)> Restarts) Join(IReadOnlyList<RangeSeries> page)
    {
        List<RangeSeries> joined = [];
        List<(string, double)> restarts = [];
        foreach (IGrouping<string, (RangeSeries Life, RangeSeries? Container)> group in page
                     .Select(s => (Life: s, Container: ContainerOf(s)))
                     .GroupBy(x => x.Container?.Key ?? "\u0000" + x.Life.Key, StringComparer.Ordinal))
        {
            (RangeSeries first, RangeSeries? container) = group.First();
            if (container is null)
            {
                joined.Add(first);
                continue;
            }

            string key = container.Key;
            (string Life, double LastT) current = _current.GetValueOrDefault(key, ("", double.NegativeInfinity));
            // The life already being fed goes on first; new lives follow in the order they began.
            List<RangeSeries> lives = [.. group.Select(x => x.Life).Where(l => l.T.Length > 0)
                .OrderBy(l => l.Key == current.Life ? double.NegativeInfinity : l.T[0])];
            List<double> t = [];
            List<double> v = [];
            for (int i = 0; i < lives.Count; i++)
            {
                RangeSeries life = lives[i];
                double until = i + 1 < lives.Count ? lives[i + 1].T[0] : double.PositiveInfinity;
                if (life.Key != current.Life)
                {
                    double begins = life.T.FirstOrDefault(x => x > current.LastT, double.NaN);
                    if (double.IsNaN(begins))
                    {
                        continue;
                    }

                    if (current.Life.Length > 0)
                    {
                        restarts.Add((key, begins));
                        _restarts[key] = _restarts.GetValueOrDefault(key) + 1;
                    }

                    current = (life.Key, current.LastT);
                }

                for (int j = 0; j < life.T.Length; j++)
                {
                    if (life.T[j] > current.LastT && life.T[j] < until)
                    {
                        t.Add(life.T[j]);
                        v.Add(life.V[j]);
                        current.LastT = life.T[j];
                    }
                }
            }

            _current[key] = current;
            joined.Add(container with { T = [.. t], V = [.. v] });
        }

        return (joined, restarts);
    }
}
