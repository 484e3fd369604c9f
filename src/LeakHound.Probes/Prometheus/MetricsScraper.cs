using System.Net.Http.Headers;

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

    private readonly HttpClient _http;
    private readonly Func<string, bool>? _filter;
    private readonly int _maxSeries;
    private readonly CounterRates _rates = new();
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    /// <summary>Page key → series name, or null when the filter drops it: names are built once, not every scrape.</summary>
    private readonly Dictionary<string, string?> _names = new(StringComparer.Ordinal);
    private string? _failing;
    private string? _pendingMessage;

    public MetricsScraper(Uri url, TimeSpan timeout, Func<string, bool>? filter = null, int maxSeries = DefaultMaxSeries, HttpMessageHandler? handler = null)
    {
        Url = url;
        _filter = filter;
        _maxSeries = maxSeries;
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.Timeout = timeout;
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/openmetrics-text") { Parameters = { new("version", "1.0.0") } });
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/plain") { Parameters = { new("version", "0.0.4") }, Quality = 0.5 });
    }

    public Uri Url { get; }

    /// <summary>Scrapes once; <paramref name="t"/> is the watch time used for counter rates.</summary>
    public async Task<ScrapeResult> ScrapeAsync(double t, CancellationToken cancel)
    {
        string page;
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(Url, cancel);
            if (!response.IsSuccessStatusCode)
            {
                return Fail($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            page = await response.Content.ReadAsStringAsync(cancel);
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            return Fail($"no answer within {_http.Timeout.TotalSeconds:0.#}s");
        }
        catch (HttpRequestException e)
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

    private ScrapeResult Fail(string reason)
    {
        if (_failing is null)
        {
            _pendingMessage = $"{Url}: scrape failed ({reason}); the watch goes on with the other signals";
        }

        _failing = reason;
        return new ScrapeResult([], reason, 0);
    }

    public void Dispose() => _http.Dispose();
}
