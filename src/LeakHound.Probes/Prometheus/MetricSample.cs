namespace LeakHound.Probes.Prometheus;

/// <summary>One sample line of an exposition page.</summary>
/// <param name="Name">Sample name as written (<c>http_requests_total</c>, <c>rpc_seconds_bucket</c>).</param>
/// <param name="Labels">Labels in page order, values unescaped.</param>
/// <param name="Value">The value; NaN and ±Inf allowed.</param>
/// <param name="TimestampMs">Optional timestamp in milliseconds.</param>
/// <param name="Type">The TYPE of the family the sample belongs to.</param>
/// <param name="RawKey">The name and label set exactly as written on the page: a cheap cache key for <see cref="SeriesName"/>.</param>
public sealed record MetricSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, double? TimestampMs, MetricType Type, string RawKey)
{
    /// <summary>The series name LeakHound uses: <c>name{label="value",…}</c>, labels sorted by name, values escaped.</summary>
    public string SeriesName
    {
        get
        {
            if (Labels.Count == 0)
            {
                return Name;
            }

            IEnumerable<string> parts = Labels
                .OrderBy(l => l.Key, StringComparer.Ordinal)
                .Select(l => $"{l.Key}=\"{Escape(l.Value)}\"");
            return $"{Name}{{{string.Join(",", parts)}}}";
        }
    }

    /// <summary>A counter's value only grows: what matters is its rate.</summary>
    public bool IsCumulative => Type switch
    {
        MetricType.Counter => true,
        MetricType.Histogram or MetricType.Summary => Name.EndsWith("_count", StringComparison.Ordinal)
            || Name.EndsWith("_sum", StringComparison.Ordinal)
            || Name.EndsWith("_bucket", StringComparison.Ordinal),
        _ => false,
    } && !Name.EndsWith("_created", StringComparison.Ordinal);

    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
