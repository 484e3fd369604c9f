using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LeakHound.Probes.Prometheus;

namespace LeakHound.Bench.Scrape;

/// <summary>Scrape + parse of a 2,000-series page from a real HTTP server on 127.0.0.1, against fetching the same page raw.</summary>
internal static class ScrapeBenchmark
{
    private const int Series = 2000;
    private const int Rounds = 300;

    public static string Run()
    {
        string page = BuildPage();
        int port = Repo.FreePort();
        using HttpListener listener = new();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        byte[] body = Encoding.UTF8.GetBytes(page);
        using CancellationTokenSource stop = new();
        Task server = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                HttpListenerContext ctx;
                try { ctx = await listener.GetContextAsync(); } catch (Exception) { return; }
                await ctx.Response.OutputStream.WriteAsync(body);
                ctx.Response.Close();
            }
        });

        Uri url = new($"http://127.0.0.1:{port}/metrics");
        using HttpClient raw = new();
        using MetricsScraper scraper = new(url, TimeSpan.FromSeconds(5));
        double t = 0;
        double scrapeSeconds = Time(() => scraper.ScrapeAsync(t++, default).GetAwaiter().GetResult());
        double rawSeconds = Time(() => raw.GetStringAsync(url).GetAwaiter().GetResult());
        double parseSeconds = Time(() => ExpositionParser.Parse(page));
        stop.Cancel();
        listener.Stop();

        StringBuilder md = new();
        md.AppendLine($"A page of {Series:N0} series ({body.Length / 1024.0:0} KiB: gauges, counters, a histogram, escaped labels), {Rounds} rounds.");
        md.AppendLine();
        md.AppendLine("| what | ms per page | samples/s | vs raw fetch |");
        md.AppendLine("|---|---|---|---|");
        Row(md, "raw: HTTP GET, body read as text", rawSeconds, rawSeconds);
        Row(md, "LeakHound scrape: GET + parse + counter rates + series names", scrapeSeconds, rawSeconds);
        Row(md, "parse only (no HTTP)", parseSeconds, rawSeconds);
        return md.ToString();
    }

    private static void Row(StringBuilder md, string what, double seconds, double raw) =>
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {seconds * 1000:0.00} | {Series / seconds:N0} | {seconds / raw:0.00}× |"));

    private static double Time(Action once)
    {
        for (int i = 0; i < 20; i++)
        {
            once();
        }

        Stopwatch sw = Stopwatch.StartNew();
        for (int i = 0; i < Rounds; i++)
        {
            once();
        }

        return sw.Elapsed.TotalSeconds / Rounds;
    }

    private static string BuildPage()
    {
        StringBuilder page = new();
        page.AppendLine("# HELP app_queue_depth Items waiting per queue.\n# TYPE app_queue_depth gauge");
        for (int i = 0; i < 900; i++)
        {
            page.AppendLine(CultureInfo.InvariantCulture, $"app_queue_depth{{queue=\"q{i}\",region=\"eu-\\\"{i % 7}\\\"\"}} {i * 1.5}");
        }

        page.AppendLine("# HELP app_requests_total Requests handled.\n# TYPE app_requests_total counter");
        for (int i = 0; i < 900; i++)
        {
            page.AppendLine(CultureInfo.InvariantCulture, $"app_requests_total{{route=\"/api/v{i % 3}/item/{i}\",code=\"200\"}} {i * 1000} 1700000000000");
        }

        page.AppendLine("# TYPE app_latency_seconds histogram");
        for (int i = 0; i < 196; i++)
        {
            page.AppendLine(CultureInfo.InvariantCulture, $"app_latency_seconds_bucket{{le=\"{0.001 * (i + 1)}\"}} {i * 10}");
        }

        page.AppendLine("app_latency_seconds_sum 12.5\napp_latency_seconds_count 1960\ngo_goroutines 42\nprocess_resident_memory_bytes 1.2e+08");
        return page.ToString();
    }
}
