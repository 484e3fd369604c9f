using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeakHound.Cli.Commands;
using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;
using LeakHound.Hosting;
using LeakHound.Watching;
using LeakHound.Watching.Replay;
using LeakHound.Web;

namespace LeakHound.Cli.Tests;

/// <summary>
/// One source of verdicts: the same recorded traces through every path that gives verdicts — <c>analyze</c>, <c>report</c>,
/// a live watch's JSON and its <c>--report</c> (<c>replay</c>), the history's re-analysis (<c>analyze --watch</c>),
/// <c>/api/verdicts</c>, the fleet scan's classifier and Hosting's monitor — must say the same thing of every series:
/// verdict, slope and its interval, detection time, unit, limit and time to limit.
/// </summary>
public sealed class AgreementTests
{
    private static readonly string[] Judging = ["--min-span", "60s", "--negligible", "5%/min", "--limit", "2GiB"];

    /// <summary>The properties every path must agree on (the verdict document's; the reason and the rest follow from them).</summary>
    private static readonly string[] Compared =
        ["verdict", "reason", "unit", "slope_per_second", "slope_ci95", "detected_at_seconds", "limit", "time_to_limit_seconds", "time_to_limit_range_seconds", "shape"];

    public static TheoryData<string> Traces => new(TraceShapes.Keys);

    [Theory]
    [MemberData(nameof(Traces))]
    public async Task EveryPath_GivesTheSameVerdicts(string shape)
    {
        string csv = CliRunner.TempFile(Csv(TraceShapes[shape]()));
        string html = Path.ChangeExtension(csv, ".html");
        string replayHtml = Path.ChangeExtension(csv, ".replay.html");
        string store = Path.ChangeExtension(csv, ".db");
        try
        {
            ProcessResult analyze = await CliRunner.RunAsync(["analyze", csv, .. Judging, "--format", "json"]);
            ProcessResult report = await CliRunner.RunAsync(["report", csv, "-o", html, .. Judging]);
            ProcessResult replay = await CliRunner.RunAsync(["replay", csv, .. Judging, "--format", "json", "--report", replayHtml, "--store", store]);
            ProcessResult stored = await CliRunner.RunAsync(["analyze", "--store", store, "--watch", "1", .. Judging, "--format", "json"]);
            Assert.True(analyze.ExitCode is 0 or 1, analyze.ToString());

            Dictionary<string, JsonElement> expected = ByName(JsonVerdicts.Parse(analyze.Stdout).Root.GetProperty("verdicts"));
            Assert.Contains(expected.Values, v => v.GetProperty("verdict").GetString() != "insufficient"); // something was decided
            AssertSame(expected, ByName(ReportData(html)), "report");
            Assert.Equal(analyze.ExitCode, report.ExitCode);
            AssertSame(expected, ByName(JsonVerdicts.Parse(replay.Stdout).Root.GetProperty("verdicts")), "replay --format json", withTarget: false);
            Assert.Equal(analyze.ExitCode, replay.ExitCode);
            AssertSame(expected, ByName(ReportData(replayHtml)), "replay --report", withTarget: false);
            AssertSame(expected, ByName(JsonVerdicts.Parse(stored.Stdout).Root.GetProperty("verdicts")), "analyze --watch (the history)");
            AssertSame(expected, ByName(await ApiVerdictsAsync(csv)), "/api/verdicts", withTarget: false);
            AssertFleetAgrees(expected, csv);
            AssertHostingAgrees(expected, csv);
        }
        finally
        {
            foreach (string f in new[] { csv, html, replayHtml, store })
            {
                File.Delete(f);
            }
        }
    }

    /// <summary>
    /// The report-versus-terminal bug: a .NET heap that rises with no full collection is <c>insufficient</c> to
    /// <c>analyze</c> (exit 0), and <c>report</c> judged it without that evidence and said <c>leak</c> (exit 1).
    /// </summary>
    [Fact]
    public async Task Report_JudgesAManagedHeapWithItsCollections_AsAnalyzeDoes()
    {
        string csv = CliRunner.TempFile(Csv(TraceShapes["dotnet heap, no full collection"]()));
        string html = Path.ChangeExtension(csv, ".html");
        try
        {
            ProcessResult analyze = await CliRunner.RunAsync(["analyze", csv, .. Judging, "--format", "json"]);
            ProcessResult report = await CliRunner.RunAsync(["report", csv, "-o", html, .. Judging]);

            Assert.Equal("insufficient", JsonVerdicts.Parse(analyze.Stdout).Verdict("dotnet_gc_heap_size_bytes"));
            Assert.Equal("insufficient", ByName(ReportData(html))["dotnet_gc_heap_size_bytes"].GetProperty("verdict").GetString());
            Assert.Equal(0, analyze.ExitCode);
            Assert.True(report.ExitCode == 0, report.ToString());
        }
        finally
        {
            File.Delete(csv);
            File.Delete(html);
        }
    }

    /// <summary>
    /// The multi-target bug: series of a watch of several targets are named <c>svc (1)/rss</c> and
    /// <c>svc (1)/rss{pid=…}</c>; parsed back by string search they lost their unit, limit and time to limit.
    /// </summary>
    [Fact]
    public async Task AMultiTargetTrace_KeepsEachSeriesUnitLimitAndTimeToLimit()
    {
        string csv = CliRunner.TempFile(Csv(TraceShapes["two targets, per-process series"]()));
        try
        {
            ProcessResult analyze = await CliRunner.RunAsync(["analyze", csv, .. Judging, "--format", "json"]);

            JsonVerdicts verdicts = JsonVerdicts.Parse(analyze.Stdout);
            JsonElement perProcess = verdicts.Series("rss{pid=\"11\",comm=\"node\"}", "svc (1)");
            JsonElement tree = verdicts.Series("rss", "svc (1)");
            foreach (JsonElement v in new[] { perProcess, tree })
            {
                Assert.Equal("bytes", v.GetProperty("unit").GetString());
                Assert.Equal(2.0 * (1 << 30), v.GetProperty("limit").GetDouble());
                Assert.Equal("leak", v.GetProperty("verdict").GetString());
                Assert.True(v.GetProperty("time_to_limit_seconds").GetDouble() > 0, v.ToString());
            }

            Assert.Equal("count", verdicts.Series("fds", "svc (2)").GetProperty("unit").GetString());
        }
        finally
        {
            File.Delete(csv);
        }
    }

    /// <summary>The schema the outputs are validated against can fail: a verdict of the wrong shape is refused.</summary>
    [Fact]
    public void Schema_RefusesAVerdictOfAnotherShape()
    {
        SeriesVerdict v = new() { Series = "rss", Verdict = Verdict.Leak, Reason = "rises", SlopePerSecond = 1, SlopeLow = 0.5, SlopeHigh = 1.5 };
        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer))
        {
            VerdictJson.Write(w, v);
        }

        string good = Encoding.UTF8.GetString(buffer.ToArray());
        SchemaCheck.Assert(good, "verdict");
        Assert.ThrowsAny<Exception>(() => SchemaCheck.Assert(good.Replace("\"leak\"", "\"leaky\""), "verdict"));
        Assert.ThrowsAny<Exception>(() => SchemaCheck.Assert(good.Replace("\"unit\"", "\"units\""), "verdict"));
        Assert.ThrowsAny<Exception>(() => SchemaCheck.Assert(good.Replace("\"slope_ci95\":[0.5,1.5]", "\"slope_ci95\":\"0.5..1.5\""), "verdict"));
    }

    private static readonly Dictionary<string, Func<IEnumerable<(double T, string Series, double Value)>>> TraceShapes = new()
    {
        ["dotnet heap, no full collection"] = () => Heap(withCollections: false),
        ["dotnet heap, full collections keep it"] = () => Heap(withCollections: true),
        ["two targets, per-process series"] = TwoTargets,
        ["fd staircase"] = () => Enumerable.Range(0, 600).SelectMany(t => new[] { (t * 1.0, "fds", 20.0 + t / 10), (t * 1.0, "threads", 12.0) }),
        ["sawtooth"] = () => Enumerable.Range(0, 600).Select(t => (t * 1.0, "rss", 300e6 + 40e6 * (t % 20) / 20.0 + 1e5 * Math.Sin(t * 1.7))),
    };

    /// <summary>A .NET heap climbing at 1 MB/s under 30-second collections, beside the gen2 rate and (if kept) what full collections kept.</summary>
    private static IEnumerable<(double, string, double)> Heap(bool withCollections)
    {
        for (int t = 0; t < 600; t++)
        {
            yield return (t, "dotnet_gc_heap_size_bytes", 50e6 + 1e6 * t - 20e6 * (t % 30) / 30.0 + 2e5 * Math.Sin(t));
            yield return (t, "rss", 200e6 + 5e4 * Math.Sin(t * 0.3));
            bool collected = withCollections && t % 60 == 30;
            yield return (t, FullCollections.Gen2RateSeries, collected ? 1 : 0);
            if (collected)
            {
                yield return (t, FullCollections.LiveAfterSeries, 40e6 + 1e6 * t);
            }
        }
    }

    /// <summary>A watch of two targets: one leaking (tree and its node process), one with a descriptor staircase.</summary>
    private static IEnumerable<(double, string, double)> TwoTargets()
    {
        for (int t = 0; t < 600; t++)
        {
            double saw = 10e6 * (t % 15) / 15.0;
            yield return (t, "svc (1)/rss", 300e6 + 2e6 * t + saw);
            yield return (t, "svc (1)/rss{pid=\"11\",comm=\"node\"}", 250e6 + 2e6 * t + saw);
            yield return (t, "svc (1)/threads", 12);
            yield return (t, "svc (2)/rss", 100e6 + 1e5 * Math.Sin(t));
            yield return (t, "svc (2)/fds", 30 + t / 12);
        }
    }

    private static string Csv(IEnumerable<(double T, string Series, double Value)> rows)
    {
        StringBuilder sb = new("t_seconds,series,value\n");
        foreach ((double t, string series, double value) in rows)
        {
            string name = series.Contains(',') || series.Contains('"') ? $"\"{series.Replace("\"", "\"\"")}\"" : series;
            sb.Append(CultureInfo.InvariantCulture, $"{t},{name},{value.ToString("R", CultureInfo.InvariantCulture)}\n");
        }

        return sb.ToString();
    }

    private static DetectorOptions Options()
    {
        Command command = new("judge");
        DetectorOptionSet.AddTo(command);
        return DetectorOptionSet.Read(command.Parse([.. Judging.Where((_, i) => i < 4)]));
    }

    private static Limits TraceLimits => new(2.0 * (1 << 30), MemorySource: "--limit");

    /// <summary><c>target/series</c> (the name a report gives a series of several targets) to its verdict.</summary>
    private static Dictionary<string, JsonElement> ByName(JsonElement verdicts)
    {
        Dictionary<string, JsonElement> byName = new(StringComparer.Ordinal);
        foreach (JsonElement item in verdicts.EnumerateArray())
        {
            JsonElement v = item.TryGetProperty("verdict", out JsonElement inner) && inner.ValueKind == JsonValueKind.Object ? inner : item;
            string target = v.GetProperty("target").GetString() ?? "";
            byName[target.Length > 0 && target.Contains(' ') ? $"{target}/{v.GetProperty("series").GetString()}" : v.GetProperty("series").GetString()!] = v;
        }

        return byName;
    }

    private static void AssertSame(Dictionary<string, JsonElement> expected, Dictionary<string, JsonElement> actual, string path, bool withTarget = true)
    {
        Assert.True(expected.Keys.Order().SequenceEqual(actual.Keys.Order()),
            $"{path}: series {string.Join(", ", actual.Keys.Order())}; analyze: {string.Join(", ", expected.Keys.Order())}");
        foreach ((string name, JsonElement e) in expected)
        {
            JsonElement a = actual[name];
            foreach (string property in withTarget ? Compared.Append("target") : Compared)
            {
                string want = Canonical(e.GetProperty(property));
                string got = Canonical(a.GetProperty(property));
                Assert.True(want == got, $"{path}, {name}: {property} is {got}, analyze says {want}");
            }
        }
    }

    /// <summary>The same value written the same way (outputs differ in indentation and escaping, not in content).</summary>
    private static string Canonical(JsonElement value) => JsonSerializer.Serialize(value);

    private static JsonElement ReportData(string html)
    {
        Match m = Regex.Match(File.ReadAllText(html), "<script id=\"report-data\" type=\"application/json\">(.*?)</script>", RegexOptions.Singleline);
        Assert.True(m.Success, $"no report data in {html}");
        JsonElement series = JsonDocument.Parse(m.Groups[1].Value).RootElement.GetProperty("series");
        return series;
    }

    /// <summary>The dashboard's <c>/api/verdicts</c> after the trace ran through the engine, as <c>replay --serve</c> does.</summary>
    private static async Task<JsonElement> ApiVerdictsAsync(string csv)
    {
        Trace trace = AnalyzeCommand.ReadTrace(csv);
        IReadOnlyList<WatchTarget> targets = ReplayTargets.From(trace, Options(), _ => TraceLimits, Path.GetFileName(csv));
        LiveStore live = new();
        WatchEngine engine = new(targets, new WatchSettings { IntervalSeconds = ReplayTargets.IntervalOf(trace), Detector = Options(), RuntimeCounters = false },
            [new LiveStoreSink(live)], new ReplayClock()) { StartAt = ReplayTargets.StartOf(trace) };
        await engine.RunAsync(CancellationToken.None);
        await using DashboardServer server = await DashboardServer.StartAsync(live, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), token: null);
        using HttpClient http = new() { BaseAddress = server.Url };
        string json = await http.GetStringAsync("/api/verdicts");
        SchemaCheck.Assert(json, "apiVerdicts");
        return JsonDocument.Parse(json).RootElement.GetProperty("verdicts");
    }

    /// <summary>The scan's classifier (a fleet: one series per key, no targets) says leak exactly where analyze does.</summary>
    private static void AssertFleetAgrees(Dictionary<string, JsonElement> expected, string csv)
    {
        Trace trace = AnalyzeCommand.ReadTrace(csv);
        if (trace.SeriesNames.Any(s => s.Contains('/')) || trace.SeriesNames.Contains(FullCollections.Gen2RateSeries))
        {
            return; // a scan reads one series per key from Prometheus: no targets, no runtime collections
        }

        FleetClassifier fleet = new(Options());
        fleet.Feed([.. trace.SeriesNames.Select(s => (s, trace[s].Select(p => p.T).ToArray(), trace[s].Select(p => p.Value).ToArray()))]);
        foreach (SeriesVerdict v in fleet.Rank(_ => TraceLimits.MemoryBytes))
        {
            Assert.True((v.Verdict == Verdict.Leak) == (expected[v.Series].GetProperty("verdict").GetString() == "leak"), $"scan: {v.Series} {v.Verdict.ToName()}");
        }
    }

    /// <summary>Hosting's monitor, fed the samples of each target as the service's own, says what analyze says of them.</summary>
    private static void AssertHostingAgrees(Dictionary<string, JsonElement> expected, string csv)
    {
        Trace trace = AnalyzeCommand.ReadTrace(csv);
        foreach (IGrouping<string, string> target in trace.SeriesNames.GroupBy(s => Core.Series.SeriesKey.Parse(s).Target))
        {
            LeakMonitor monitor = new(Options(), TraceLimits);
            foreach (IGrouping<double, (double T, string Name, double Value)> round in target
                         .SelectMany(s => trace[s].Select(p => (p.T, Name: Core.Series.SeriesKey.Parse(s).Name, p.Value)))
                         .GroupBy(p => p.T).OrderBy(g => g.Key))
            {
                // What the runtime's session tells a watch: each full collection with the bytes it kept.
                Probes.SignalReadings readings = new(round.Key);
                foreach ((_, string name, double value) in round)
                {
                    readings.Add(name, value);
                }

                if (round.Any(p => p.Name == FullCollections.Gen2RateSeries && p.Value > 0))
                {
                    readings.AddFullCollection(round.Where(p => p.Name == FullCollections.LiveAfterSeries).Select(p => p.Value).DefaultIfEmpty(double.NaN).First());
                }

                monitor.Record(readings);
            }

            foreach (SeriesVerdict v in monitor.Verdicts)
            {
                string name = target.Key.Length > 0 ? $"{target.Key}/{v.Series}" : v.Series;
                JsonElement e = expected[name];
                string? expectedVerdict = e.GetProperty("verdict").GetString();
                Assert.True(expectedVerdict == v.Verdict.ToName(), $"Hosting, {name}: {v.Verdict.ToName()} ({v.Reason}); analyze: {expectedVerdict} ({e.GetProperty("reason").GetString()})");
                Assert.Equal(e.GetProperty("detected_at_seconds").GetRawText(), Number(v.DetectedAtSeconds));
                Assert.Equal(e.GetProperty("limit").GetRawText(), Number(v.Limit));
                Assert.Equal(e.GetProperty("unit").GetString(), SignalUnits.For(v.Series).ToString().ToLowerInvariant());
            }
        }
    }

    private static string Number(double? v) => v is { } x ? JsonSerializer.Serialize(x) : "null";
}
