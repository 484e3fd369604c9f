using System.Net;

namespace LeakHound.Probes.Go;

/// <summary>
/// A Go program's <c>net/http/pprof</c> endpoint (<c>http://127.0.0.1:PORT/debug/pprof</c>): its goroutine dump, read
/// with a timeout and a size bound. Every way it fails is a <see cref="PprofException"/> of one line.
/// </summary>
public sealed class PprofEndpoint : IDisposable
{
    /// <summary>Most bytes of a dump read: Go caps debug=2 at 64 MB itself.</summary>
    public const int MaxDumpBytes = 80 << 20;

    private readonly HttpClient _http;

    public PprofEndpoint(Uri baseUrl, TimeSpan timeout)
    {
        BaseUrl = baseUrl.AbsoluteUri.EndsWith('/') ? baseUrl : new Uri(baseUrl.AbsoluteUri + "/");
        _http = new HttpClient { Timeout = timeout, MaxResponseContentBufferSize = MaxDumpBytes };
    }

    public Uri BaseUrl { get; }

    /// <summary>
    /// The goroutines now, counted per stack by Go itself (<c>goroutine?debug=1</c>): exact however many there are, and
    /// small (one entry per stack), but without state or creator — <see cref="GoroutinesAsync"/> adds those.
    /// </summary>
    /// <exception cref="PprofException">Unreachable, not found, too big, or not the goroutine profile.</exception>
    public async Task<IReadOnlyList<GoroutineStack>> GoroutineCountsAsync(CancellationToken cancel)
    {
        Uri url = new(BaseUrl, "goroutine?debug=1");
        byte[] body = await GetAsync(url, "goroutine profile", cancel);
        return Parsed(url, () => GoroutineCountProfile.Parse(System.Text.Encoding.UTF8.GetString(body), "goroutine", GoroutineStack.UnknownState));
    }

    /// <summary>
    /// Every goroutine now, grouped by stack with state and creator (<c>goroutine?debug=2</c>). Go writes about 2.7 KB per
    /// goroutine and cuts the text at 64 MB, so with many goroutines it is slow for the program and incomplete.
    /// </summary>
    /// <exception cref="PprofException">Unreachable, not found, too big, or not a goroutine dump.</exception>
    public async Task<IReadOnlyList<GoroutineStack>> GoroutinesAsync(CancellationToken cancel)
    {
        Uri url = new(BaseUrl, "goroutine?debug=2");
        byte[] body = await GetAsync(url, "goroutine profile", cancel);
        return Parsed(url, () => GoroutineDump.Parse(System.Text.Encoding.UTF8.GetString(body)));
    }

    /// <summary>
    /// The goroutines the runtime proves leaked (<c>goroutineleak?debug=1</c>, Go 1.26+). Never throws for a program that
    /// has none to offer: a 404 (older Go, or built without it) or a broken answer is a profile that says why it is missing.
    /// </summary>
    public async Task<GoroutineLeakProfile> LeakedGoroutinesAsync(CancellationToken cancel)
    {
        Uri url = new(BaseUrl, "goroutineleak?debug=1");
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(url, cancel);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new GoroutineLeakProfile(null, "not served (Go 1.26+ has it when built with GOEXPERIMENT=goroutineleakprofile)");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new GoroutineLeakProfile(null, $"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            string text = System.Text.Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancel));
            return new GoroutineLeakProfile(GoroutineCountProfile.Parse(text, "goroutineleak", "leaked"), null);
        }
        catch (PprofException e)
        {
            return new GoroutineLeakProfile(null, $"{url}: {e.Message}");
        }
        catch (HttpRequestException e)
        {
            return new GoroutineLeakProfile(null, $"cannot read {url}: {Core.Text.OneLine.Of(e.Message)}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            return new GoroutineLeakProfile(null, $"{url}: no answer within {_http.Timeout.TotalSeconds:0.#}s");
        }
    }

    /// <summary>What the heap holds per allocation stack, after a garbage collection (<c>heap?gc=1</c>).</summary>
    /// <exception cref="PprofException">Unreachable, not found, too big, or not a heap profile.</exception>
    public async Task<IReadOnlyList<HeapSite>> HeapAsync(CancellationToken cancel)
    {
        Uri url = new(BaseUrl, "heap?gc=1");
        byte[] body = await GetAsync(url, "heap profile", cancel);
        return Parsed(url, () => HeapProfile.Parse(body));
    }

    private static T Parsed<T>(Uri url, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (PprofException e)
        {
            throw new PprofException($"{url}: {e.Message}");
        }
    }

    private async Task<byte[]> GetAsync(Uri url, string what, CancellationToken cancel)
    {
        try
        {
            using HttpResponseMessage response = await _http.GetAsync(url, cancel);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new PprofException($"{url}: 404 — no {what} there (is net/http/pprof imported, and is the URL its /debug/pprof?)");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new PprofException($"{url}: HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return await response.Content.ReadAsByteArrayAsync(cancel);
        }
        catch (HttpRequestException e)
        {
            throw new PprofException($"cannot reach {url}: {Core.Text.OneLine.Of(e.Message)}");
        }
        catch (TaskCanceledException) when (!cancel.IsCancellationRequested)
        {
            throw new PprofException($"{url}: no answer within {_http.Timeout.TotalSeconds:0.#}s");
        }
    }

    public void Dispose() => _http.Dispose();
}
