using System.Diagnostics;
using System.Net;

namespace LeakHound.Cli.Soak;

/// <summary>
/// A bounded HTTP load: requests to a URL (GET, or any method with a body) at a fixed rate with a concurrency cap;
/// optionally abort each response after some bytes, like the clients that disconnected mid-download in the media-route
/// incident. Loopback only unless allowed.
/// </summary>
internal sealed class HttpLoad(Uri url, double ratePerSecond, int concurrency, long? abortAfterBytes, HttpMethod? method = null, byte[]? requestBody = null,
    string? contentType = null) : IDisposable
{
    private readonly HttpMethod _method = method ?? HttpMethod.Get;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);
    private long _sent;
    private long _failed;

    public long Sent => Interlocked.Read(ref _sent);

    public long Failed => Interlocked.Read(ref _failed);

    /// <exception cref="LeakHoundException">The URL is not http(s), or not on this machine and <paramref name="allowRemote"/> is false.</exception>
    public static void Validate(Uri url, bool allowRemote)
    {
        if (url.Scheme is not ("http" or "https"))
        {
            throw new LeakHoundException($"--load: '{url}' is not an http(s) URL");
        }

        bool loopback = url.IsLoopback || (IPAddress.TryParse(url.Host, out IPAddress? ip) && IPAddress.IsLoopback(ip));
        if (!loopback && !allowRemote)
        {
            throw new LeakHoundException($"--load: '{url.Host}' is not this machine; load goes to loopback only unless --allow-remote-load is given");
        }
    }

    /// <summary>Sends requests at the rate until cancelled; waits for requests in flight to finish.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        List<Task> inFlight = [];
        Stopwatch clock = Stopwatch.StartNew();
        long due = 0;
        while (!cancel.IsCancellationRequested)
        {
            double elapsed = clock.Elapsed.TotalSeconds;
            long target = (long)(elapsed * ratePerSecond);
            while (due < target && !cancel.IsCancellationRequested)
            {
                try
                {
                    await _slots.WaitAsync(cancel);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                due++;
                inFlight.Add(OneAsync(cancel));
            }

            inFlight.RemoveAll(t => t.IsCompleted);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(1, 1000 / ratePerSecond / 2)), cancel);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await Task.WhenAll(inFlight);
    }

    /// <summary>One request, taking a concurrency slot first (iteration mode).</summary>
    public async Task RequestOnceAsync(CancellationToken cancel)
    {
        await _slots.WaitAsync(cancel);
        await OneAsync(cancel);
    }

    private async Task OneAsync(CancellationToken cancel)
    {
        try
        {
            Interlocked.Increment(ref _sent);
            using HttpRequestMessage request = new(_method, url);
            if (requestBody is not null)
            {
                request.Content = new ByteArrayContent(requestBody);
                request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(contentType ?? "application/octet-stream");
            }

            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel);
            await using Stream body = await response.Content.ReadAsStreamAsync(cancel);
            byte[] buffer = new byte[8192];
            long read = 0;
            int n;
            while ((n = await body.ReadAsync(buffer, cancel)) > 0)
            {
                read += n;
                if (abortAfterBytes is { } limit && read >= limit)
                {
                    break; // disposing the response now resets the connection mid-download
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            Interlocked.Increment(ref _failed);
        }
        finally
        {
            _slots.Release();
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }
}
