namespace LeakHound.Probes.PrometheusApi;

/// <summary>One series of a range query page: its labels and its points (Unix seconds, value).</summary>
public sealed record RangeSeries(IReadOnlyDictionary<string, string> Labels, double[] T, double[] V)
{
    /// <summary>A stable key and display name: <c>name{a="1",b="2"}</c> with labels sorted.</summary>
    public string Key => Format(Labels);

    /// <summary>A PromQL selector for exactly this series.</summary>
    public string Selector => Format(Labels);

    public static string Format(IReadOnlyDictionary<string, string> labels)
    {
        string name = labels.TryGetValue("__name__", out string? n) ? n : "";
        IEnumerable<string> rest = labels.Where(l => l.Key != "__name__").OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}=\"{l.Value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        return $"{name}{{{string.Join(",", rest)}}}";
    }
}

/// <summary>Prometheus answered with an error, or not at all.</summary>
public sealed class PrometheusQueryException(string message) : Exception(message);
