using System.Globalization;
using System.Text;
using System.Text.Json;

namespace LeakHound.Bench.Twins;

/// <summary>
/// <c>leakhound run</c>/<c>soak</c> on process twins of the incidents (Node fixtures, C# demo targets): time until the
/// first confident leak verdict on the subject signal, and what the fixed twin gets. Time is compressed as in the
/// integration tests: targets run at 10–100× a real service's pace and the minimum span is 6 s (fixed twins 12 s).
/// </summary>
internal static class WatchTwinBenchmark
{
    private sealed record Pair(string Incident, string Signal, string[] Leaky, string[] Fixed);

    private static string[] Node(string script, params string[] args) => ["node", "--expose-gc", CliProcess.Fixture(script), .. args];

    private static string[] Demo(string kind, params string[] args) => ["dotnet", CliProcess.Leakhound, "demo-target", kind, "--max-seconds", "60", .. args];

    public static string Run()
    {
        Pair[] pairs =
        [
            new("wav-broadcaster (Node stream never read)", "rss", Node("stream-leak.js", "50", "65536", "60"), Node("stream-fixed.js", "50", "65536", "60")),
            new("media-route (Node files never closed)", "fds", Node("fd-leak.js", "100", "60", "0"), Node("fd-leak.js", "100", "60", "1")),
            new("reconnect (Node thread per reconnect)", "threads", Node("thread-leak.js", "300", "60", "0"), Node("thread-leak.js", "300", "60", "1")),
            new("job cache (C# results kept / bounded cache)", "rss", Demo("leak", "--tick", "0.05", "--bytes-per-tick", "131072"), Demo("plateau", "--tick", "0.05", "--period", "30", "--bytes-per-tick", "1048576")),
            new("contact cache (C# unbounded / LRU+TTL)", "rss", Demo("contactcache", "--tick", "0.1", "--period", "300"), Demo("contactcache-lru", "--tick", "0.1", "--period", "300")),
        ];

        StringBuilder md = new();
        md.AppendLine("| Incident twin | Signal | Leaky: first `leak` verdict after | Leaky: rate | 1.5 GB threshold would alarm after | Fixed twin verdict (30 s watch) |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (Pair pair in pairs)
        {
            (JsonDocument leaky, _) = CliProcess.Run(["run", "--interval", "0.1s", "--min-span", "6s", "--duration", "60s", "--until-verdict", "--format", "json", "--no-runtime-counters", "--", .. pair.Leaky]);
            (JsonDocument fixedTwin, _) = CliProcess.Run(["run", "--interval", "0.1s", "--min-span", "12s", "--duration", "30s", "--format", "json", "--no-runtime-counters", "--", .. pair.Fixed]);
            JsonElement l = Series(leaky, pair.Signal);
            JsonElement f = Series(fixedTwin, pair.Signal);
            string detected = l.GetProperty("verdict").GetString() == "leak" && l.GetProperty("detected_at_seconds").ValueKind == JsonValueKind.Number
                ? $"{l.GetProperty("detected_at_seconds").GetDouble():0.0} s"
                : $"none ({l.GetProperty("verdict").GetString()})";
            double? slope = l.GetProperty("slope_per_second").ValueKind == JsonValueKind.Number ? l.GetProperty("slope_per_second").GetDouble() : null;
            double current = l.GetProperty("current").GetDouble();
            string rate = slope is { } s ? (pair.Signal == "rss" ? Core.Units.Quantity.FormatBytes(s) + "/s" : s.ToString("0.00", CultureInfo.InvariantCulture) + "/s") : "–";
            string threshold = pair.Signal == "rss" && slope is > 0 ? Core.Units.Quantity.FormatDuration((1.5e9 - current) / slope.Value) : "– (count)";
            md.AppendLine($"| {pair.Incident} | {pair.Signal} | {detected} | {rate} | {threshold} | {f.GetProperty("verdict").GetString()} |");
        }

        md.AppendLine();
        md.AppendLine(ReconnectIterations());
        return md.ToString();
    }

    private static JsonElement Series(JsonDocument doc, string name) =>
        doc.RootElement.GetProperty("verdicts").EnumerateArray().First(v => v.GetProperty("series").GetString() == name);

    /// <summary><c>soak --iterations</c> on the /metrics reconnect service: the fewest iterations that give the leak verdict.</summary>
    private static string ReconnectIterations()
    {
        StringBuilder md = new();
        md.AppendLine("| `soak --iterations N` on the reconnect service (go_goroutines) | leaky twin | fixed twin |");
        md.AppendLine("|---|---|---|");
        foreach (int n in new[] { 8, 10, 20, 30 })
        {
            md.AppendLine($"| N = {n} | {Soak(n, "leak")} | {Soak(n, "fixed")} |");
        }

        return md.ToString();
    }

    private static string Soak(int iterations, string mode)
    {
        int port = Repo.FreePort();
        (JsonDocument doc, double seconds) = CliProcess.Run([
            "soak", "--target", $"node \"{CliProcess.Fixture("metrics-server.js")}\" {port} {mode} 0 60",
            "--ready-url", $"http://127.0.0.1:{port}/healthz", "--metrics-url", $"http://127.0.0.1:{port}/metrics", "--metric", "go_*",
            "--load", "GET", $"http://127.0.0.1:{port}/reconnect", "--iterations", iterations.ToString(CultureInfo.InvariantCulture), "--format", "json"]);
        JsonElement g = doc.RootElement.GetProperty("growth").EnumerateArray().First(x => x.GetProperty("series").GetString() == "go_goroutines");
        return $"{g.GetProperty("verdict").GetString()}, {g.GetProperty("per_iteration").GetDouble():0.00}/iteration ({seconds:0.0} s)";
    }
}
