using System.Net;

namespace LeakHound.Probes.Tests.Prometheus;

/// <summary>
/// A real HTTP server on 127.0.0.1 for scraper tests: each request is answered by <see cref="Serve"/> (given the
/// response and the request's number, from 1); a client hanging up mid-answer is expected, not an error.
/// </summary>
internal sealed class PageServer : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly CancellationTokenSource _stop = new();
    private int _requests;

    public PageServer()
    {
        Port = Repo.FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/metrics");

    public Func<HttpListenerResponse, int, Task> Serve { get; set; } = (_, _) => Task.CompletedTask;

    private async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Serve(ctx.Response, Interlocked.Increment(ref _requests));
                ctx.Response.Close();
            }
            catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
            {
                // the scraper gave up waiting, or hung up on a page past its limit, as it should
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _stop.Dispose();
    }
}
