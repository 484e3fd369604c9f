using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeakHound.Web;

/// <summary>
/// The live dashboard, its JSON API, server-sent events and /metrics, served by Kestrel next to a running watch.
/// Loopback by default; any other address requires a token that every request must carry.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    /// <summary>Fewest characters in a token: 16 is 64 bits as hex, out of reach of guessing over HTTP.</summary>
    public const int MinTokenLength = 16;

    private readonly WebApplication _app;

    private DashboardServer(WebApplication app, Uri url, LiveStore store)
    {
        _app = app;
        Url = url;
        Store = store;
    }

    /// <summary>What it serves; the watch writes into it.</summary>
    public LiveStore Store { get; }

    /// <summary>Where it listens (the real port when 0 was asked for).</summary>
    public Uri Url { get; }

    /// <summary>Starts listening on <paramref name="endpoint"/> (e.g. 127.0.0.1:7474, 0.0.0.0:8080, [::1]:0).</summary>
    /// <exception cref="ArgumentException">The address is malformed, or not loopback and no token is given.</exception>
    /// <exception cref="IOException">The address cannot be listened on (taken, not on this machine, not allowed).</exception>
    public static async Task<DashboardServer> StartAsync(LiveStore store, IPEndPoint endpoint, string? token, CancellationToken cancel = default)
    {
        if (endpoint.Address.IsIPv4MappedToIPv6)
        {
            endpoint = new IPEndPoint(endpoint.Address.MapToIPv4(), endpoint.Port); // [::ffff:127.0.0.1] is 127.0.0.1
        }

        if (!IPAddress.IsLoopback(endpoint.Address) && string.IsNullOrEmpty(token))
        {
            throw new ArgumentException($"{endpoint} is reachable from other machines: give --token so that every request must carry it");
        }

        if (token is not null && token.Length < MinTokenLength)
        {
            throw new ArgumentException($"the token has {token.Length} characters; use at least {MinTokenLength} (for example: openssl rand -hex 16)");
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endpoint));
        WebApplication app = builder.Build();
        app.Use(string.IsNullOrEmpty(token) ? RequireLoopbackHost : RequireToken(token));
        MapEndpoints(app, store);
        try
        {
            await app.StartAsync(cancel);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or InvalidOperationException)
        {
            await app.DisposeAsync();
            throw new IOException(e.Message, e);
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DashboardServer(app, new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal)), store);
    }

    public async ValueTask DisposeAsync()
    {
        using CancellationTokenSource stop = new(TimeSpan.FromSeconds(3));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private static void MapEndpoints(WebApplication app, LiveStore store)
    {
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet("/api/targets", () => Results.Content(Json.Targets(store.Read()), "application/json"));
        app.MapGet("/api/verdicts", () => Results.Content(Json.Verdicts(store.Read()), "application/json"));
        app.MapGet("/api/series/{id:int}", (int id) =>
        {
            LiveStore.Snapshot snap = store.Read();
            return id >= 0 && id < snap.Series.Count
                ? Results.Content(Json.Series(snap, snap.Series[id]), "application/json")
                : Results.NotFound(new { error = $"no series {id}; see /api/targets" });
        });
        app.MapGet("/metrics", () => Results.Text(PrometheusExposition.Write(store.Read()), PrometheusExposition.ContentType));
        app.MapGet("/events", (HttpContext context) => StreamEventsAsync(context, store));
    }

    /// <summary>Server-sent events: one message per round of samples. A slow client loses old rounds, never the server's memory.</summary>
    private static async Task StreamEventsAsync(HttpContext context, LiveStore store)
    {
        Channel<string> rounds = Channel.CreateBounded<string>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        void OnRound(string message) => rounds.Writer.TryWrite(message);
        store.RoundCompleted += OnRound;
        try
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            await context.Response.WriteAsync(": leakhound\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            while (true)
            {
                using CancellationTokenSource heartbeat = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                string text;
                try
                {
                    text = $"data: {await rounds.Reader.ReadAsync(heartbeat.Token)}\n\n";
                }
                catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    text = ": heartbeat\n\n"; // keeps proxies from closing an idle stream
                }

                await context.Response.WriteAsync(text, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException)
        {
            // the client went away, or the server is stopping
        }
        finally
        {
            store.RoundCompleted -= OnRound;
        }
    }

    /// <summary>
    /// Without a token, only requests addressed to a loopback name are served. A loopback port is otherwise open to DNS
    /// rebinding: a page from another origin whose name is made to resolve to 127.0.0.1 reads the API as its own origin;
    /// its requests carry that name in <c>Host</c>. (ASP.NET Core's host filtering lists exact names; any 127.x address is
    /// loopback, hence this check.)
    /// </summary>
    private static Task RequireLoopbackHost(HttpContext context, RequestDelegate next)
    {
        string host = context.Request.Host.Host;
        if (IsLoopbackName(host))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return context.Response.WriteAsync("leakhound: this dashboard answers only to localhost, 127.0.0.1 or [::1] (give --token to serve other names)\n");
    }

    /// <summary>localhost, a name under .localhost, or a loopback address (bracketed for IPv6).</summary>
    internal static bool IsLoopbackName(string host)
    {
        string name = host.TrimEnd('.');
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        string address = name.StartsWith('[') && name.EndsWith(']') ? name[1..^1] : name;
        return IPAddress.TryParse(address, out IPAddress? ip) && IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);
    }

    /// <summary>Every request carries the token: <c>Authorization: Bearer T</c>, or <c>?token=T</c> (browsers' EventSource cannot set headers).</summary>
    private static Func<HttpContext, RequestDelegate, Task> RequireToken(string token)
    {
        byte[] expected = Encoding.UTF8.GetBytes(token);
        return (context, next) =>
        {
            string? given = context.Request.Query["token"].FirstOrDefault();
            string auth = context.Request.Headers.Authorization.ToString();
            if (auth.StartsWith("Bearer ", StringComparison.Ordinal))
            {
                given = auth["Bearer ".Length..];
            }

            if (given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected))
            {
                return next(context);
            }

            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return context.Response.WriteAsync("leakhound: this dashboard needs its token (?token=… or Authorization: Bearer …)\n");
        };
    }
}
