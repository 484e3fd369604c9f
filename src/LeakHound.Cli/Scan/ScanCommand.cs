using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using LeakHound.Cli.Commands;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Detection;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.PrometheusApi;
using LeakHound.Reporting;
using Spectre.Console;

namespace LeakHound.Cli.Scan;

/// <summary><c>leakhound scan</c>: verdicts for every series of a PromQL query, from an existing Prometheus server.</summary>
internal static class ScanCommand
{
    private static readonly Option<string> Server = new("--prometheus") { Description = "Prometheus server, e.g. http://127.0.0.1:9090", Required = true };
    private static readonly Option<string> Query = new("--query", "-q") { Description = "PromQL selecting the series, e.g. process_resident_memory_bytes", Required = true };
    private static readonly Option<string> Range = new("--range") { Description = "How far back to look", DefaultValueFactory = _ => "6h" };
    private static readonly Option<string> Step = new("--step") { Description = "Resolution of the points read", DefaultValueFactory = _ => "15s" };
    private static readonly Option<string?> End = new("--end") { Description = "End of the range (RFC 3339 or Unix seconds; default now)" };
    private static readonly Option<string?> LimitQuery = new("--limit-query") { Description = "PromQL giving each series' limit, matched on shared labels, e.g. container_spec_memory_limit_bytes" };
    private static readonly Option<int> Top = new("--top") { Description = "Rows of the table (all leaks are always listed)", DefaultValueFactory = _ => 20 };
    private static readonly Option<string?> EmitRules = new("--emit-rules") { Description = "Write Prometheus alerting rules (YAML) for the series found leaking" };
    private static readonly Option<string> Timeout = new("--timeout") { Description = "Per request", DefaultValueFactory = _ => "60s" };
    private static readonly Option<int> PagePoints = new("--page-points")
    {
        Description = "Points per series per request (Prometheus allows at most 11,000)",
        DefaultValueFactory = _ => PrometheusClient.MaxPointsPerPage,
    };

    private static readonly Option<int> ResponsePoints = new("--response-points")
    {
        Description = "Points of all series per request: pages get shorter when a query matches many series (lower it for a server with a small --query.max-samples)",
        DefaultValueFactory = _ => 1_000_000,
    };

    public static Command Create()
    {
        Command command = new("scan", "Give leak verdicts for every series of a PromQL query on a Prometheus server, ranked");
        foreach (Option o in new Option[] { Server, Query, Range, Step, End, LimitQuery, CommonOptions.Limit, CommonOptions.Format, Top, EmitRules, CommonOptions.Report, CommonOptions.Png, Timeout, PagePoints, ResponsePoints })
        {
            command.Options.Add(o);
        }

        Commands.DetectorOptionSet.AddTo(command);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        Uri server = Uri.TryCreate(parse.GetValue(Server), UriKind.Absolute, out Uri? s) && s.Scheme is "http" or "https"
            ? s : throw new LeakHoundException($"--prometheus: '{parse.GetValue(Server)}' is not an http(s) URL");
        string query = parse.GetValue(Query)!;
        double range = CommonOptions.ParseDuration(parse.GetValue(Range)!, "--range");
        double step = CommonOptions.ParseDuration(parse.GetValue(Step)!, "--step");
        if (step <= 0 || range <= step) { throw new LeakHoundException("--step must be positive and shorter than --range"); }
        DateTimeOffset end = ParseEnd(parse.GetValue(End));
        bool json = CommonOptions.Json(parse);
        double? fixedLimit = CommonOptions.ReadLimit(parse);
        DetectorOptions options = Commands.DetectorOptionSet.Read(parse);
        int pagePoints = parse.GetValue(PagePoints);
        if (pagePoints is < 2 or > 11_000) { throw new LeakHoundException("--page-points must be between 2 and 11000"); }
        int responsePoints = parse.GetValue(ResponsePoints);
        if (responsePoints < 2) { throw new LeakHoundException("--response-points must be at least 2"); }
        using PrometheusClient prometheus = new(server, TimeSpan.FromSeconds(CommonOptions.ParseDuration(parse.GetValue(Timeout)!, "--timeout")))
        {
            PagePoints = pagePoints,
            MaxPointsPerResponse = responsePoints,
        };
        FleetClassifier classifier = new(options);
        Dictionary<string, RangeSeries> labels = new(StringComparer.Ordinal);
        Stopwatch transfer = new();
        Stopwatch classify = new();
        CounterDrops drops = new();
        ContainerLives lives = new();
        if (KubernetesNames.CacheWarning(query) is { } cacheWarning)
        {
            Console.Error.WriteLine($"leakhound: {cacheWarning}");
        }

        try
        {
            transfer.Start();
            await foreach (IReadOnlyList<RangeSeries> read in prometheus.QueryRangeAsync(query, end.AddSeconds(-range), end, TimeSpan.FromSeconds(step), cancel))
            {
                transfer.Stop();
                classify.Start();
                (IReadOnlyList<RangeSeries> page, IReadOnlyList<(string Key, double T)> restarts) = lives.Join(read);
                foreach (RangeSeries series in page)
                {
                    labels.TryAdd(series.Key, series with { T = [], V = [] });
                    drops.Count(series.Key, series.V);
                }

                classifier.Feed([.. page.Select(p => (p.Key, p.T, p.V))]);
                foreach ((string key, double t) in restarts)
                {
                    classifier.MarkRestart(key, t); // a time: the points before it are fed already or come with it
                }

                classify.Stop();
                transfer.Start();
            }

            transfer.Stop();
        }
        catch (PrometheusQueryException e)
        {
            throw new LeakHoundException(e.Message, ExitCode.Target);
        }

        if (classifier.SeriesCount == 0)
        {
            throw new LeakHoundException($"'{query}' matched no series between {end.AddSeconds(-range):u} and {end:u}", ExitCode.Target);
        }

        await WarnAboutCountersAsync(prometheus, query, labels, drops, cancel);

        Func<string, double?> limitFor = _ => fixedLimit;
        if (fixedLimit is null && parse.GetValue(LimitQuery) is null && KubernetesNames.IsContainerMemory(query))
        {
            (limitFor, string found) = await KubernetesNames.FindLimitsAsync(prometheus, labels, end, cancel);
            Console.Error.WriteLine($"leakhound: {found}");
        }
        else if (parse.GetValue(LimitQuery) is { } limitQuery)
        {
            try
            {
                var limits = await prometheus.QueryAsync(limitQuery, end, cancel);
                limitFor = key => fixedLimit ?? MatchLimit(labels[key].Labels, limits);
            }
            catch (PrometheusQueryException e)
            {
                throw new LeakHoundException($"--limit-query: {e.Message}", ExitCode.Target);
            }
        }

        classify.Start();
        IReadOnlyList<SeriesVerdict> ranked = classifier.Rank(limitFor);
        classify.Stop();
        foreach (string warning in prometheus.Warnings)
        {
            Console.Error.WriteLine($"leakhound: Prometheus warned: {warning}");
        }

        List<(RangeSeries Series, SeriesVerdict Verdict)> leaks = [.. ranked.Where(v => v.Verdict == Verdict.Leak).Select(v => (labels[v.Series], v))];
        if (parse.GetValue(EmitRules) is { } rulesFile)
        {
            try
            {
                await File.WriteAllTextAsync(rulesFile, AlertRules.Write(query, leaks, range / 2), cancel);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LeakHoundException($"--emit-rules: cannot write '{rulesFile}': {e.Message}");
            }
        }

        string? report = parse.GetValue(CommonOptions.Report);
        string? png = parse.GetValue(CommonOptions.Png);
        if (report is not null || png is not null)
        {
            await WriteReportAsync(prometheus, leaks, report, png, options, fixedLimit, query, end.AddSeconds(-range), end, step, cancel);
        }

        ExitCode code = leaks.Count > 0 ? ExitCode.Leak : ExitCode.NoLeak;
        if (json)
        {
            WriteJson(query, range, step, ranked, labels, lives.Restarts, code, classifier.PointCount, prometheus.Requests, transfer.Elapsed, classify.Elapsed);
        }
        else
        {
            WriteTable(query, ranked, labels, parse.GetValue(Top), classifier.PointCount, transfer.Elapsed, classify.Elapsed);
        }

        return (int)code;
    }

    /// <summary>
    /// The report of a scan: the classifier keeps no points, so the leaking series (the 50 most urgent) are read again,
    /// each on its own, and judged by the same detector the report always uses.
    /// </summary>
    private static async Task WriteReportAsync(PrometheusClient prometheus, List<(RangeSeries Series, SeriesVerdict Verdict)> leaks, string? report, string? png,
        DetectorOptions options, double? limit, string query, DateTimeOffset start, DateTimeOffset end, double step, CancellationToken cancel)
    {
        if (leaks.Count == 0)
        {
            Console.Error.WriteLine("leakhound: no report: no series of the scan leaks");
            return;
        }

        List<(double T, string Series, double Value)> samples = [];
        try
        {
            foreach ((RangeSeries series, _) in leaks.Take(50))
            {
                ContainerLives lives = new(); // a container's selector matches each of its lives: one series again
                await foreach (IReadOnlyList<RangeSeries> read in prometheus.QueryRangeAsync(series.Selector, start, end, TimeSpan.FromSeconds(step), cancel))
                {
                    foreach (RangeSeries s in lives.Join(read).Page)
                    {
                        samples.AddRange(s.T.Select((t, i) => (t - start.ToUnixTimeSeconds(), series.Key, s.V[i])));
                    }
                }
            }
        }
        catch (PrometheusQueryException e)
        {
            Console.Error.WriteLine($"leakhound: no report: {e.Message}");
            return;
        }

        // Every series its own: a scan's series are separate services, not one target.
        ReportFiles.Write(ReportBuilder.FromTrace(Core.Traces.Trace.From(samples), options, _ => new Limits(limit, MemorySource: "--limit"), $"scan of {query}"), report, png);
    }

    /// <summary>
    /// The tightest limit that applies to a scanned series: among the limit series whose labels (other than the name;
    /// only <paramref name="on"/> when given) equal the series', the smallest positive value. A value of 2^60 or more is
    /// cgroup v1's "no limit", not a limit.
    /// </summary>
    internal static double? MatchLimit(IReadOnlyDictionary<string, string> series, IReadOnlyList<(IReadOnlyDictionary<string, string> Labels, double Value)> limits,
        string[]? on = null)
    {
        double? best = null;
        foreach ((IReadOnlyDictionary<string, string> l, double value) in limits)
        {
            IEnumerable<string> keys = on ?? l.Keys.Where(k => k != "__name__");
            bool matches = keys.All(k => l.TryGetValue(k, out string? mine) && series.TryGetValue(k, out string? theirs) && mine == theirs);
            if (matches && double.IsFinite(value) && value > 0 && value < (1L << 60) && (best is null || value < best))
            {
                best = value;
            }
        }

        return best;
    }

    private static DateTimeOffset ParseEnd(string? text)
    {
        if (text is null) { return DateTimeOffset.UtcNow; }
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double unix))
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)(unix * 1000));
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset t)
            ? t : throw new LeakHoundException($"--end: '{text}' is not a time (RFC 3339 or Unix seconds)");
    }

    private static void WriteTable(string query, IReadOnlyList<SeriesVerdict> ranked, Dictionary<string, RangeSeries> labels, int top, long points, TimeSpan transfer, TimeSpan classify)
    {
        IAnsiConsole console = HumanConsole.Create(json: false);
        int leaking = ranked.Count(v => v.Verdict == Verdict.Leak);
        console.MarkupLine($"[bold]{Markup.Escape(query)}[/]: {ranked.Count} series, {points:N0} points; [red]{leaking} leaking[/] (read in {transfer.TotalSeconds:0.0}s, classified in {classify.TotalSeconds:0.0}s)");
        Table table = new Table().AddColumns("#", "Series", "Verdict", "Rate (95% CI)", "Confidence", "Time to limit");
        int rank = 0;
        foreach (SeriesVerdict v in ranked.Take(Math.Max(top, leaking)))
        {
            rank++;
            table.AddRow(rank.ToString(), Markup.Escape(labels[v.Series].Key), $"[{VerdictText.Color(v.Verdict)}]{v.Verdict.ToName()}[/]",
                Markup.Escape(VerdictText.Rate(v)), v.Verdict == Verdict.Leak ? $"{v.Confidence:P2}" : "–", Markup.Escape(VerdictText.TimeToLimit(v)));
        }

        console.Write(table);
        foreach (IGrouping<Verdict, SeriesVerdict> group in ranked.GroupBy(v => v.Verdict).OrderBy(g => g.Key))
        {
            console.MarkupLine($"  {group.Key.ToName()}: {group.Count()}");
        }
    }

    /// <summary>
    /// A raw counter only ever rises (and drops to 0 when its process restarts): any counter is "leaking" by that shape.
    /// Says so, with the resets seen, for every metric of the result that Prometheus' metadata (or, without metadata,
    /// the _total naming convention) calls a counter.
    /// </summary>
    private static async Task WarnAboutCountersAsync(PrometheusClient prometheus, string query, Dictionary<string, RangeSeries> labels, CounterDrops drops, CancellationToken cancel)
    {
        ILookup<string, string> byName = labels.Values.Where(r => r.Labels.ContainsKey("__name__")).ToLookup(r => r.Labels["__name__"], r => r.Key);
        foreach (IGrouping<string, string> metric in byName.Take(20))
        {
            string? type = await prometheus.MetricTypeAsync(metric.Key, cancel);
            bool counter = type is "counter" || (type is null && metric.Key.EndsWith("_total", StringComparison.Ordinal))
                || (type is "histogram" or "summary" or "gaugehistogram" && (metric.Key.EndsWith("_count", StringComparison.Ordinal) || metric.Key.EndsWith("_sum", StringComparison.Ordinal) || metric.Key.EndsWith("_bucket", StringComparison.Ordinal)));
            if (!counter)
            {
                continue;
            }

            int resets = metric.Sum(drops.For);
            string seen = resets > 0 ? $"; {resets} counter reset(s) (restarts) seen in {metric.Count(k => drops.For(k) > 0)} of its {metric.Count()} series" : "";
            Console.Error.WriteLine($"leakhound: '{metric.Key}' is a counter{(type is null ? " (by its name)" : "")}: it only ever rises and drops to 0 when its process restarts, so its verdicts say nothing about a leak{seen}; scan rate({metric.Key}[5m]) instead");
        }

        if (byName.Count == 0 && query.Contains("_total", StringComparison.Ordinal) && !query.Contains("rate(", StringComparison.Ordinal) && !query.Contains("increase(", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("leakhound: the query looks like a counter (_total), which only ever rises and resets on restart; scan rate(…[5m]) of it instead");
        }
    }

    /// <summary>Falls of each series (a counter's resets), counted across pages.</summary>
    private sealed class CounterDrops
    {
        private readonly Dictionary<string, (double Last, int Drops)> _state = new(StringComparer.Ordinal);

        public void Count(string key, double[] values)
        {
            (double last, int drops) = _state.TryGetValue(key, out var s) ? s : (double.NaN, 0);
            foreach (double v in values)
            {
                if (v < last)
                {
                    drops++;
                }

                last = v;
            }

            _state[key] = (last, drops);
        }

        public int For(string key) => _state.TryGetValue(key, out var s) ? s.Drops : 0;
    }

    private static void WriteJson(string query, double range, double step, IReadOnlyList<SeriesVerdict> ranked, Dictionary<string, RangeSeries> labels,
        IReadOnlyDictionary<string, int> restarts, ExitCode code, long points, int requests, TimeSpan transfer, TimeSpan classify)
    {
        JsonStdout.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("command", "scan");
            w.WriteString("query", query);
            w.WriteNumber("range_seconds", range);
            w.WriteNumber("step_seconds", step);
            w.WriteNumber("series", ranked.Count);
            w.WriteNumber("points", points);
            w.WriteNumber("leaking", ranked.Count(v => v.Verdict == Verdict.Leak));
            w.WriteNumber("requests", requests);
            w.WriteNumber("transfer_seconds", transfer.TotalSeconds);
            w.WriteNumber("classify_seconds", classify.TotalSeconds);
            w.WriteNumber("exit_code", (int)code);
            w.WriteStartArray("results");
            foreach (SeriesVerdict v in ranked)
            {
                w.WriteStartObject();
                w.WriteStartObject("labels");
                foreach ((string k, string value) in labels[v.Series].Labels.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WriteString(k, value);
                }

                w.WriteEndObject();
                w.WriteNumber("restarts", restarts.GetValueOrDefault(v.Series));
                w.WritePropertyName("verdict");
                VerdictJson.Write(w, v);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
