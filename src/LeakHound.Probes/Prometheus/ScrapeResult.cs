namespace LeakHound.Probes.Prometheus;

/// <summary>The series values of one scrape (counters already turned into rates), or why the scrape failed.</summary>
public sealed record ScrapeResult(IReadOnlyList<KeyValuePair<string, double>> Values, string? Error, int SkippedSeries)
{
    public bool Ok => Error is null;
}
