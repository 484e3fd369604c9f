using System.Net;
using System.Text;
using LeakHound.Probes.Prometheus;

namespace LeakHound.Probes.Tests.Prometheus;

/// <summary>The scraper against a real HTTP listener on 127.0.0.1.</summary>
public sealed class MetricsScraperTests : IDisposable
{
    private readonly PageServer _server = new();

    public MetricsScraperTests()
    {
        _server.Serve = async (response, n) =>
        {
            (int status, string body, int delay) = _respond(n);
            if (delay > 0)
            {
                await Task.Delay(delay);
            }

            response.StatusCode = status;
            await response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
        };
    }

    private Func<int, (int Status, string Body, int DelayMs)> _respond = _ => (200, "", 0);

    private int Port => _server.Port;

    private Uri Url => _server.Url;

    [Fact]
    public async Task Scrape_GaugesAsValues_CountersAsRates()
    {
        _respond = n => (200, $"# TYPE jobs gauge\njobs {n * 10}\n# TYPE done_total counter\ndone_total {n * 4}\n", 0);
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(2));

        ScrapeResult first = await scraper.ScrapeAsync(0, default);
        ScrapeResult second = await scraper.ScrapeAsync(2, default);

        Assert.True(first.Ok);
        Assert.Equal(10, first.Values.Single(v => v.Key == "jobs").Value);
        Assert.DoesNotContain(first.Values, v => v.Key == "rate(done_total)"); // no rate from one scrape
        Assert.Equal(2, second.Values.Single(v => v.Key == "rate(done_total)").Value); // +4 in 2 s
    }

    [Fact]
    public async Task Scrape_Filter_KeepsOnlyMatchingSeries()
    {
        _respond = _ => (200, "go_goroutines 5\ngo_threads 9\nother 1\n", 0);
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(2), s => s.StartsWith("go_goroutines", StringComparison.Ordinal));

        ScrapeResult r = await scraper.ScrapeAsync(0, default);

        Assert.Equal(["go_goroutines"], r.Values.Select(v => v.Key));
    }

    [Fact]
    public async Task Scrape_FailureEpisodes_ReportedOnceEachWay()
    {
        _respond = n => n is >= 2 and <= 4 ? (200, "broken{ 1\n", 0) : (200, "up 1\n", 0);
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(2));
        List<string> messages = [];
        for (int i = 0; i < 6; i++)
        {
            ScrapeResult r = await scraper.ScrapeAsync(i, default);
            Assert.Equal(i is >= 1 and <= 3, !r.Ok);
            if (scraper.TakeEpisodeMessage() is { } m)
            {
                messages.Add(m);
            }
        }

        Assert.Equal(2, messages.Count);
        Assert.Contains("malformed page", messages[0]);
        Assert.Contains("works again", messages[1]);
    }

    [Fact]
    public async Task Scrape_HttpErrorTimeoutAndRefused_AreResultsNotExceptions()
    {
        _respond = n => n == 1 ? (503, "busy", 0) : (200, "up 1\n", 3000);
        using MetricsScraper scraper = new(Url, TimeSpan.FromMilliseconds(300));

        ScrapeResult error = await scraper.ScrapeAsync(0, default);
        ScrapeResult timeout = await scraper.ScrapeAsync(1, default);
        using MetricsScraper refused = new(new Uri($"http://127.0.0.1:{Repo.FreePort()}/metrics"), TimeSpan.FromSeconds(1));
        ScrapeResult refusedResult = await refused.ScrapeAsync(0, default);

        Assert.Contains("503", error.Error);
        Assert.Contains("no answer", timeout.Error);
        Assert.False(refusedResult.Ok);
        Assert.Contains("refused", refusedResult.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Scrape_SeriesCap_BoundsMemory()
    {
        _respond = n => (200, string.Concat(Enumerable.Range(0, 50).Select(i => $"req{{id=\"{n}-{i}\"}} 1\n")), 0);
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(2), maxSeries: 120);

        int kept = 0;
        int skipped = 0;
        for (int i = 0; i < 5; i++)
        {
            ScrapeResult r = await scraper.ScrapeAsync(i, default);
            kept += r.Values.Count;
            skipped += r.SkippedSeries;
        }

        Assert.Equal(120, kept);
        Assert.Equal(130, skipped);
    }

    public void Dispose() => _server.Dispose();
}
