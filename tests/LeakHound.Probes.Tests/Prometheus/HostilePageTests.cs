using System.Diagnostics;
using System.Net;
using System.Text;
using LeakHound.Probes.Prometheus;

namespace LeakHound.Probes.Tests.Prometheus;

/// <summary>Pages no exporter should serve — an unknown charset, a huge or endless body, a megabyte line — are one short failure, never a crash.</summary>
public sealed class HostilePageTests : IDisposable
{
    private readonly PageServer _server = new();

    private Uri Url => _server.Url;

    /// <summary>Every request gets this answer.</summary>
    private void ServePage(Func<HttpListenerResponse, Task> answer) => _server.Serve = (response, _) => answer(response);

    [Fact]
    public async Task UnknownCharset_IsAFailure_NotACrash()
    {
        ServePage(async r =>
        {
            r.ContentType = "text/plain; charset=x-no-such-charset";
            await r.OutputStream.WriteAsync("app_bytes 1\n"u8.ToArray());
        });
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(5));

        ScrapeResult result = await scraper.ScrapeAsync(0, CancellationToken.None);

        Assert.Contains("charset 'x-no-such-charset'", result.Error);
        Assert.Empty(result.Values);
    }

    [Fact]
    public async Task Latin1Charset_IsDecoded()
    {
        ServePage(async r =>
        {
            r.ContentType = "text/plain; version=0.0.4; charset=iso-8859-1";
            await r.OutputStream.WriteAsync(Encoding.Latin1.GetBytes("# HELP app_bytes Größe\napp_bytes{name=\"é\"} 42\n"));
        });
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(5));

        ScrapeResult result = await scraper.ScrapeAsync(0, CancellationToken.None);

        Assert.Null(result.Error);
        Assert.Equal(42, Assert.Single(result.Values).Value);
    }

    [Fact]
    public async Task EndlessChunkedPage_IsCutAtTheLimit()
    {
        byte[] line = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 1000).Select(i => $"app_bytes{{id=\"{i}\"}} 1\n")));
        long served = 0;
        ServePage(async r =>
        {
            r.SendChunked = true;
            Stopwatch clock = Stopwatch.StartNew();
            while (served < 2L << 30 && clock.Elapsed < TimeSpan.FromSeconds(30)) // bounded: 2 GiB or 30 s
            {
                await r.OutputStream.WriteAsync(line);
                served += line.Length;
            }
        });
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(20), maxPageBytes: 4 << 20);

        ScrapeResult result = await scraper.ScrapeAsync(0, CancellationToken.None);

        Assert.Contains("past the 4,194,304-byte limit", result.Error);
        Assert.InRange(served, 4 << 20, 64 << 20); // it hung up soon after the limit (socket buffers aside), not at the server's end
    }

    [Fact]
    public async Task DeclaredHugePage_IsRefusedBeforeReading()
    {
        ServePage(r =>
        {
            r.ContentLength64 = 300L << 20;
            return Task.CompletedTask; // declares 300 MB, sends nothing: it must not be waited for
        });
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(5), maxPageBytes: 32 << 20);

        ScrapeResult result = await scraper.ScrapeAsync(0, CancellationToken.None);

        Assert.Contains("over the 33,554,432-byte limit", result.Error);
    }

    [Fact]
    public async Task MegabyteLine_GivesAShortReason()
    {
        ServePage(async r => await r.OutputStream.WriteAsync(Encoding.ASCII.GetBytes("app_bytes{" + new string('x', 1 << 20) + "\n")));
        using MetricsScraper scraper = new(Url, TimeSpan.FromSeconds(5));

        ScrapeResult result = await scraper.ScrapeAsync(0, CancellationToken.None);

        Assert.NotNull(result.Error);
        Assert.InRange(result.Error!.Length, 10, 301);
        string? notice = scraper.TakeEpisodeMessage();
        Assert.True(notice is { Length: < 500 }, notice?.Length.ToString());
    }

    public void Dispose() => _server.Dispose();
}
