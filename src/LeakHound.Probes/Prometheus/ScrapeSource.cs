namespace LeakHound.Probes.Prometheus;

/// <summary>
/// A Prometheus/OpenMetrics endpoint as a source: every gauge as a series, counters as per-second rates. A failed
/// scrape is a notice, once per episode, and once more at recovery.
/// </summary>
public sealed class ScrapeSource(MetricsScraper scraper) : ISignalSource
{
    public MetricsScraper Scraper { get; } = scraper;

    public async ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        ScrapeResult result;
        try
        {
            result = await Scraper.ScrapeAsync(into.T, cancel);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        foreach ((string series, double value) in result.Values)
        {
            into.Add(series, value);
        }

        if (Scraper.TakeEpisodeMessage() is { } message)
        {
            into.Notice(message);
        }
    }

    public void Dispose() => Scraper.Dispose();
}
