using System.Text.RegularExpressions;
using LeakHound.Probes.PrometheusApi;

namespace LeakHound.Cli.Scan;

/// <summary>
/// What a scan knows of the names cAdvisor and kube-state-metrics give a container's memory, so that a Kubernetes
/// user's first scan needs no <c>--limit-query</c>: each container's limit is its <c>container_spec_memory_limit_bytes</c>
/// (0 there means none), else its <c>kube_pod_container_resource_limits{resource="memory"}</c>, matched on namespace, pod
/// and container; and a memory series that counts page cache is named for what it is.
/// </summary>
internal static partial class KubernetesNames
{
    /// <summary>cAdvisor's container memory gauges, each a limit applies to.</summary>
    private static readonly HashSet<string> s_memory = new(StringComparer.Ordinal)
    {
        "container_memory_working_set_bytes", "container_memory_rss", "container_memory_usage_bytes", "container_memory_cache", "container_memory_swap",
    };

    /// <summary>The limits to look for, tightest-first within each, with the labels they are matched on.</summary>
    public static readonly (string Query, string[] On)[] LimitQueries =
    [
        ("container_spec_memory_limit_bytes", ["namespace", "pod", "container"]),
        ("kube_pod_container_resource_limits{resource=\"memory\"}", ["namespace", "pod", "container"]),
        ("kube_pod_container_resource_limits_memory_bytes", ["namespace", "pod", "container"]), // kube-state-metrics before 2.0
    ];

    [GeneratedRegex(@"^\s*([A-Za-z_:][A-Za-z0-9_:]*)\s*(\{[^}]*\})?\s*$")]
    private static partial Regex PlainSelector();

    /// <summary>The metric a query selects, when the query is a plain selector (<c>name{labels}</c>); null otherwise.</summary>
    public static string? MetricOf(string query) => PlainSelector().Match(query) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>True for a container memory gauge of cAdvisor (its limit is found without --limit-query).</summary>
    public static bool IsContainerMemory(string query) => MetricOf(query) is { } metric && s_memory.Contains(metric);

    /// <summary>A warning for a memory series that counts page cache (kubernetes/kubernetes#43916), or null.</summary>
    public static string? CacheWarning(string query) => MetricOf(query) switch
    {
        "container_memory_usage_bytes" => "container_memory_usage_bytes counts page cache, which the kernel reclaims before it OOM-kills: a container that reads or writes files rises in it without leaking; scan container_memory_working_set_bytes (what kubelet evicts on) or container_memory_rss",
        "container_memory_cache" => "container_memory_cache is page cache, which the kernel reclaims: its growth is not a leak; scan container_memory_working_set_bytes or container_memory_rss",
        _ => null,
    };

    /// <summary>Each series' limit from the known limit metrics (the first that has one for it), and what was found, for people.</summary>
    public static async Task<(Func<string, double?> LimitFor, string Found)> FindLimitsAsync(PrometheusClient prometheus, IReadOnlyDictionary<string, RangeSeries> series,
        DateTimeOffset at, CancellationToken cancel)
    {
        Dictionary<string, double> found = new(StringComparer.Ordinal);
        List<string> told = [];
        foreach ((string query, string[] on) in LimitQueries)
        {
            IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> limits;
            try
            {
                limits = await prometheus.QueryAsync(query, at, cancel);
            }
            catch (PrometheusQueryException)
            {
                continue; // a server without kube-state-metrics, or an old one: the next name
            }

            int matched = 0;
            foreach ((string key, RangeSeries s) in series)
            {
                if (!found.ContainsKey(key) && ScanCommand.MatchLimit(s.Labels, limits, on) is { } limit)
                {
                    found[key] = limit;
                    matched++;
                }
            }

            if (matched > 0)
            {
                told.Add($"{query} for {matched}");
            }
        }

        string summary = told.Count > 0
            ? $"memory limits from {string.Join(", ", told)} of {series.Count} series{(found.Count < series.Count ? $" ({series.Count - found.Count} have none: no time to limit)" : "")}"
            : "no container memory limit found (container_spec_memory_limit_bytes, kube_pod_container_resource_limits): no time to limit; give --limit or --limit-query";
        return (key => found.TryGetValue(key, out double l) ? l : null, summary);
    }
}
