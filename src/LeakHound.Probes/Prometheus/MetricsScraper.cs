using System.Net.Http.Headers;
using System.Text;

namespace LeakHound.Probes.Prometheus;

/// <summary>
/// Scrapes one /metrics endpoint each sampling round. Failures (refused, timeout, HTTP error, malformed page) never
/// throw: they come back as <see cref="ScrapeResult.Error"/>, and <see cref="TakeEpisodeMessage"/> reports each
/// failure episode once, and its recovery once, so a flapping endpoint does not flood the output.
/// </summary>
public sealed class MetricsScraper : IDisposable
{
    /// <summary>Series kept per endpoint: a page may grow without bound (a label per request id), the watcher must not.</summary>
    public const int DefaultMaxSeries = 2000;

    /// <summary>
    /// Largest page read (32 MiB). A real service's page is kilobytes to a few MB; an endless or huge page must cost the
    /// watcher no more than this (a 300 MB page once took it to 5.3 GB), so it is cut off and reported.
    /// </summary>
    public const int DefaultMaxPageBytes = 32 << 20;

    /// <summary>Longest failure reason told (a malformed page can be one line of megabytes).</summary>
    private const int MaxReasonChars = 300;

    private readonly HttpClient _http;
    private readonly Func<string, bool>? _filter;
    private readonly int _maxSeries;
    private readonly int _maxPageBytes;
    private readonly TimeSpan _timeout;
    private readonly CounterRates _rates = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <summary>Page key → series name, or null when the filter drops it: names are built once, not every scrape.</summary>
    private readonly Dictionary<string, string?> _names = new(StringComparer.Ordinal);
    private string? _failing;
    private string? _pendingMessage;

    public MetricsScraper(Uri url, TimeSpan timeout, Func<string, bool>? filter = null, int maxSeries = DefaultMaxSeries, HttpMessageHandler? handler = null,
        int maxPageBytes = DefaultMaxPageBytes)
    {
        Url = url;
        _filter = filter;
        _maxSeries = maxSeries;
        _maxPageBytes = maxPageBytes;
        _timeout = timeout;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = Timeout.InfiniteTimeSpan; // the scrape's own deadline covers the headers and the body alike
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/openmetrics-text") { Parameters = { new("version", "1.0.0") } });
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain") { Parameters = { new("version", "0.0.4") }, Quality = 0.5 });
    }

    public Uri Url { get; }

    /// <summary>Scrapes once; <paramref name="t"/> is the watch time used for counter rates.</summary>
    public async Task<ScrapeResult> ScrapeAsync(double t, CancellationToken cancel)
    {
        string page;
        using CancellationTokenSource deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(_timeout);
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(Url, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Fail($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            if (response.Content.Headers.ContentLength is { } length && length > _maxPageBytes)
            {
                return Fail($"the page is {length:N0} bytes, over the {_maxPageBytes:N0}-byte limit");
            }

            string? charset = response.Content.Headers.ContentType?.CharSet;
            if (EncodingOf(charset) is not { } encoding)
            {
                return Fail($"the page's charset '{charset}' is not one LeakHound can read (utf-8, us-ascii, iso-8859-1, utf-16, utf-32)");
            }

            await using Stream body = await response.Content.ReadAsStreamAsync(deadline.Token);
            if (await ReadBoundedAsync(body, deadline.Token) is not { } bytes)
            {
                return Fail($"the page goes on past the {_maxPageBytes:N0}-byte limit");
            }

            page = encoding.GetString(bytes.Span);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Fail($"no answer within {_timeout.TotalSeconds:0.#}s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return Fail(e.InnerException?.Message ?? e.Message);
        }

        List<MetricSample> samples;
        try
        {
            samples = ExpositionParser.Parse(page);
        }
        catch (ExpositionFormatException e)
        {
            return Fail("malformed page: " + e.Message);
        }

        List<KeyValuePair<string, double>> values = new(samples.Count);
        int skipped = 0;
        foreach (MetricSample sample in samples)
        {
            if (!_names.TryGetValue(sample.RawKey, out string? series))
            {
                series = sample.IsCumulative ? $"rate({sample.SeriesName})" : sample.SeriesName;
                if (_filter is not null && !_filter(series) && !_filter(sample.SeriesName) && !_filter(sample.Name))
                {
                    series = null;
                }

                if (_names.Count < 4 * _maxSeries)
                {
                    _names[sample.RawKey] = series;
                }
            }

            if (series is null)
            {
                continue;
            }

            if (!_known.Contains(series))
            {
                if (_known.Count >= _maxSeries)
                {
                    skipped++;
                    continue;
                }

                _known.Add(series);
            }

            double? value = sample.IsCumulative ? _rates.Next(series, t, sample.Value) : sample.Value;
            if (value is { } v && double.IsFinite(v))
            {
                values.Add(new(series, v));
            }
        }

        if (_failing is not null)
        {
            _pendingMessage = $"{Url}: scraping works again";
            _failing = null;
        }

        return new ScrapeResult(values, null, skipped);
    }

    /// <summary>A message when a failure episode starts or ends; null otherwise. Reading it clears it.</summary>
    public string? TakeEpisodeMessage()
    {
        string? message = _pendingMessage;
        _pendingMessage = null;
        return message;
    }

    /// <summary>The body, or null when it is longer than the limit (read no further than one byte past it).</summary>
    private async Task<ReadOnlyMemory<byte>?> ReadBoundedAsync(Stream body, CancellationToken cancel)
    {
        using MemoryStream into = new();
        byte[] chunk = new byte[81920];
        while (true)
        {
            int n = await body.ReadAsync(chunk, cancel);
            if (n == 0)
            {
                return into.GetBuffer().AsMemory(0, (int)into.Length);
            }

            if (into.Length + n > _maxPageBytes)
            {
                return null;
            }

            into.Write(chunk, 0, n);
        }
    }

    /// <summary>The encoding a page's charset names (UTF-8 when it names none); null for one .NET cannot decode.</summary>
    private static Encoding? EncodingOf(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset))
        {
            return Encoding.UTF8;
        }

        try
        {
            return Encoding.GetEncoding(charset.Trim().Trim('"'));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private ScrapeResult Fail(string reason)
    {
        if (reason.Length > MaxReasonChars)
        {
            reason = reason[..MaxReasonChars] + "…";
        }

        if (_failing is null)
        {
            _pendingMessage = $"{Url}: scrape failed ({reason}); the watch goes on with the other signals";
        }

        _failing = reason;
        return new ScrapeResult([], reason, 0);
    }

    public void Dispose() => _http.Dispose();
}
