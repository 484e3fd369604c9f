using System.Globalization;
using System.Net;
using System.Text.Json;

namespace LeakHound.Probes.PrometheusApi;

/// <summary>
/// Reads series from a Prometheus server over its HTTP API. Long ranges are split into pages of at most
/// <see cref="MaxPointsPerPage"/> points per series (Prometheus refuses more than 11,000) and, when a query matches many
/// series, shorter pages so that no answer holds more than <see cref="MaxPointsPerResponse"/> points in all (Prometheus
/// refuses queries that load more than --query.max-samples, 50 M by default, and a bigger answer is gigabytes of JSON).
/// Pages come one at a time so a caller can feed detectors without holding the whole range in memory.
/// </summary>
public sealed class PrometheusClient(Uri server, TimeSpan timeout) : IDisposable
{
    public const int MaxPointsPerPage = 10_000;

    private readonly HttpClient _http = new() { BaseAddress = server, Timeout = timeout };

    /// <summary>Points per series per request.</summary>
    public int PagePoints { get; init; } = MaxPointsPerPage;

    /// <summary>Points of all series per request (about 40 MB of JSON at a million).</summary>
    public int MaxPointsPerResponse { get; init; } = 1_000_000;

    /// <summary>The first page is short: the number of series a query matches is only known from an answer.</summary>
    private const int FirstPagePoints = 60;

    /// <summary>Range-query requests made so far (pages).</summary>
    public int Requests { get; private set; }

    /// <summary>Warnings Prometheus attached to its answers (partial results and the like), each once.</summary>
    public HashSet<string> Warnings { get; } = [];

    /// <summary>Pages of a range query, oldest first; every page holds every series that has points in it.</summary>
    public async IAsyncEnumerable<IReadOnlyList<RangeSeries>> QueryRangeAsync(string query, DateTimeOffset start, DateTimeOffset end, TimeSpan step,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancel = default)
    {
        int points = Math.Min(PagePoints, FirstPagePoints);
        int mostSeries = 0;
        for (DateTimeOffset from = start; from <= end;)
        {
            TimeSpan page = step * (points - 1);
            DateTimeOffset to = from + page < end ? from + page : end;
            string url = $"api/v1/query_range?query={Uri.EscapeDataString(query)}&start={Seconds(from)}&end={Seconds(to)}&step={step.TotalSeconds.ToString(CultureInfo.InvariantCulture)}";
            IReadOnlyList<RangeSeries> matrix;
            Requests++;
            using (JsonDocument doc = await GetAsync(url, cancel))
            {
                matrix = ReadMatrix(doc.RootElement.GetProperty("data"));
            }

            yield return matrix;
            from = to + step;
            mostSeries = Math.Max(mostSeries, matrix.Count);
            points = mostSeries == 0 ? Math.Min(PagePoints, points * 2) : NextPagePoints(PagePoints, MaxPointsPerResponse, mostSeries);
        }
    }

    /// <summary>Points per series for the next page: as many as allowed while the answer stays under the per-response budget.</summary>
    public static int NextPagePoints(int pagePoints, int maxPointsPerResponse, int seriesSeen) =>
        Math.Clamp(maxPointsPerResponse / Math.Max(1, seriesSeen), 2, pagePoints);

    /// <summary>An instant query's vector (e.g. the memory limits), as label sets and values.</summary>
    public async Task<IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)>> QueryAsync(string query, DateTimeOffset at, CancellationToken cancel = default)
    {
        using JsonDocument doc = await GetAsync($"api/v1/query?query={Uri.EscapeDataString(query)}&time={Seconds(at)}", cancel);
        JsonElement data = doc.RootElement.GetProperty("data");
        if (data.GetProperty("resultType").GetString() != "vector")
        {
            throw new PrometheusQueryException($"'{query}' is not an instant vector (got {data.GetProperty("resultType").GetString()})");
        }

        return [.. data.GetProperty("result").EnumerateArray().Select(r => (Labels(r.GetProperty("metric")), Value(r.GetProperty("value")[1])))];
    }

    /// <summary>
    /// The type Prometheus' metadata API knows for a metric name (counter, gauge, histogram, summary…), trying the base
    /// name of a histogram's or summary's _bucket/_sum/_count series; null when it does not say (old server, no scrape
    /// metadata, data loaded from blocks).
    /// </summary>
    public async Task<string?> MetricTypeAsync(string metric, CancellationToken cancel = default)
    {
        foreach (string name in CandidateNames(metric))
        {
            JsonElement data;
            try
            {
                using JsonDocument doc = await GetAsync($"api/v1/metadata?metric={Uri.EscapeDataString(name)}", cancel);
                data = doc.RootElement.GetProperty("data").Clone();
            }
            catch (PrometheusQueryException)
            {
                return null; // a server without the metadata API: the caller falls back to naming conventions
            }

            if (data.ValueKind == JsonValueKind.Object && data.TryGetProperty(name, out JsonElement entries)
                && entries.EnumerateArray().Select(e => e.GetProperty("type").GetString()).FirstOrDefault(t => t is { Length: > 0 } and not "unknown") is { } type)
            {
                return type;
            }
        }

        return null;
    }

    private static IEnumerable<string> CandidateNames(string metric)
    {
        yield return metric;
        foreach (string suffix in (string[])["_bucket", "_sum", "_count", "_total"])
        {
            if (metric.EndsWith(suffix, StringComparison.Ordinal))
            {
                yield return metric[..^suffix.Length];
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<JsonDocument> GetAsync(string url, CancellationToken cancel)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancel);
        }
        catch (HttpRequestException e)
        {
            throw new PrometheusQueryException($"cannot reach Prometheus at {_http.BaseAddress}: {e.Message}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PrometheusQueryException($"Prometheus at {_http.BaseAddress} did not answer within {_http.Timeout.TotalSeconds:0}s");
        }

        using (response)
        {
            JsonDocument doc;
            try
            {
                doc = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancel), default, cancel);
            }
            catch (JsonException)
            {
                throw new PrometheusQueryException($"Prometheus at {_http.BaseAddress} answered HTTP {(int)response.StatusCode} without its JSON API (is this a Prometheus server?)");
            }

            JsonElement root = doc.RootElement;
            if (root.TryGetProperty("warnings", out JsonElement warnings))
            {
                foreach (JsonElement w in warnings.EnumerateArray())
                {
                    Warnings.Add(w.GetString() ?? "");
                }
            }

            if (root.TryGetProperty("status", out JsonElement status) && status.GetString() == "success")
            {
                return doc;
            }

            string type = root.TryGetProperty("errorType", out JsonElement t) ? t.GetString() ?? "" : "";
            string error = root.TryGetProperty("error", out JsonElement e) ? e.GetString() ?? "" : $"HTTP {(int)response.StatusCode}";
            doc.Dispose();
            throw new PrometheusQueryException(type switch
            {
                "bad_data" => $"Prometheus rejected the query: {error}",
                "timeout" => $"the query timed out in Prometheus: {error} (use a shorter --range or a larger --step)",
                "execution" when response.StatusCode == HttpStatusCode.UnprocessableEntity => $"Prometheus could not run the query: {error}",
                _ => $"Prometheus error ({type}): {error}",
            });
        }
    }

    private static IReadOnlyList<RangeSeries> ReadMatrix(JsonElement data)
    {
        if (data.GetProperty("resultType").GetString() != "matrix")
        {
            throw new PrometheusQueryException($"the query must select series (a range query gave {data.GetProperty("resultType").GetString()})");
        }

        List<RangeSeries> result = [];
        foreach (JsonElement series in data.GetProperty("result").EnumerateArray())
        {
            JsonElement values = series.GetProperty("values");
            List<double> t = new(values.GetArrayLength());
            List<double> v = new(values.GetArrayLength());
            foreach (JsonElement point in values.EnumerateArray())
            {
                double value = Value(point[1]);
                if (double.IsFinite(value)) // NaN (stale markers, 0/0) and ±Inf carry no level
                {
                    t.Add(point[0].GetDouble());
                    v.Add(value);
                }
            }

            result.Add(new RangeSeries(Labels(series.GetProperty("metric")), [.. t], [.. v]));
        }

        return result;
    }

    private static Dictionary<string, string> Labels(JsonElement metric) =>
        metric.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "", StringComparer.Ordinal);

    private static double Value(JsonElement text) => text.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        string s => double.Parse(s, CultureInfo.InvariantCulture),
        null => double.NaN,
    };

    private static string Seconds(DateTimeOffset t) => (t.ToUnixTimeMilliseconds() / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);
}
