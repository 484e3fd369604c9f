using LeakHound.Core.Series;
using System.Globalization;
using System.Text;
using LeakHound.Core.Detection;
using LeakHound.Core.Rules;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Prometheus;
using LeakHound.Store;

namespace LeakHound.TestSupport;

/// <summary>
/// The parsers LeakHound feeds with what it does not control — trace files, /metrics pages, rules files, the watch
/// history — each used as the tool uses it (a trace is analysed and its verdicts written; rules are evaluated on a
/// leak), so that a fault after parsing (a time to limit too large to print) is found too.
/// </summary>
internal static class FuzzTargets
{
    public static FuzzTarget[] All() => [Traces(), Exposition(), Rules(), Store(), NodeHeapSnapshot(), NodeSamplingProfile()];

    /// <summary>A V8 heap snapshot, read, summarised and walked for retainer paths as an explanation does.</summary>
    public static FuzzTarget NodeHeapSnapshot() => new("heap snapshot reader + growth", [
        """{"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count"],"node_types":[["synthetic","object","array"]],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["internal","property","element","weak"]]},"node_count":3,"edge_count":2},"nodes":[0,0,1,0,1,1,1,3,32,1,2,2,5,64,0],"edges":[1,2,5,0,3,10],"strings":["","Map","table"]}""",
        """{"snapshot":{"meta":{"node_fields":["id","edge_count","name","type","self_size"],"node_types":[["synthetic","object"]],"edge_fields":["to_node","type","name_or_index"],"edge_types":[["property"]]},"node_count":2,"edge_count":1},"nodes":[1,1,0,0,0,3,0,1,1,8],"edges":[5,0,1],"strings":["","Contact"]}""",
    ], text =>
    {
        LeakHound.Probes.Node.Snapshots.HeapSnapshot snapshot = LeakHound.Probes.Node.Snapshots.HeapSnapshot.Read(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        LeakHound.Probes.Node.Snapshots.SnapshotSummary summary = LeakHound.Probes.Node.Snapshots.SnapshotSummary.Of(snapshot);
        _ = LeakHound.Probes.Node.Snapshots.SnapshotGrowth.Of([summary, summary], snapshot, 5);
        LeakHound.Probes.Node.Snapshots.RetainerPaths paths = new(snapshot);
        for (int node = 0; node < Math.Min(snapshot.NodeCount, 50); node++)
        {
            _ = paths.To(node).Count;
        }
    }, e => e is LeakHound.Probes.Node.NodeInspectorException);

    /// <summary>The answer of HeapProfiler.getSamplingProfile, read into allocation sites.</summary>
    public static FuzzTarget NodeSamplingProfile() => new("sampling heap profile reader", [
        """{"profile":{"head":{"callFrame":{"functionName":"(root)","url":"","lineNumber":-1,"columnNumber":-1},"selfSize":0,"id":1,"children":[{"callFrame":{"functionName":"f","url":"file:///a.js","lineNumber":3,"columnNumber":1},"selfSize":4096,"id":2,"children":[]}]},"samples":[{"size":4096,"nodeId":2,"ordinal":1}]}}""",
    ], text =>
    {
        // As the inspector's socket delivers it: UTF-8 bytes; a message that is no JSON ends the session with one line.
        System.Text.Json.JsonDocument doc;
        try
        {
            doc = System.Text.Json.JsonDocument.Parse(Encoding.UTF8.GetBytes(text), new System.Text.Json.JsonDocumentOptions { MaxDepth = 4096 });
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new LeakHound.Probes.Node.NodeInspectorException($"the inspector's connection ended: {LeakHound.Core.Text.OneLine.Of(e.Message)}");
        }

        using System.Text.Json.JsonDocument parsed = doc;
        foreach (LeakHound.Probes.Node.AllocationSite site in LeakHound.Probes.Node.SamplingHeapProfile.Parse(parsed.RootElement))
        {
            _ = site.Key.Length + site.Stack.Count;
        }
    }, e => e is LeakHound.Probes.Node.NodeInspectorException);

    public static FuzzTarget Traces() => new("trace reader + analysis", TraceSeeds(), text =>
    {
        Trace trace = TraceReader.Read(new StringReader(text));
        DetectorOptions options = DetectorOptions.Default with { MinSpanSeconds = 5, MinSamples = 5 };
        foreach (DetectorSet set in TraceAnalysis.Replay(trace, options, _ => new Limits(2.0 * (1L << 30), 1024, 4096)).Values)
        {
            foreach (SeriesVerdict v in set.Verdicts(final: true))
            {
                Use(v);
            }
        }
    }, e => e is TraceFormatException);

    public static FuzzTarget Exposition() => new("exposition parser", ExpositionSeeds(), page =>
    {
        foreach (MetricSample sample in ExpositionParser.Parse(page))
        {
            _ = sample.ToString();
        }
    }, e => e is ExpositionFormatException);

    public static FuzzTarget Rules() => new("rules parser + engine", RuleSeeds(), text =>
    {
        RuleEngine engine = new(RuleFile.Parse(text));
        foreach (Rule rule in engine.Rules)
        {
            _ = rule.ToString();
        }

        SeriesVerdict leak = new()
        {
            Series = "rss", Target = "svc", Verdict = Verdict.Leak, Reason = "fuzz", SlopePerSecond = 1e6, SlopeLow = 5e5, SlopeHigh = 2e6,
            TimeToLimitSeconds = 1e300, TimeToLimitEarliestSeconds = 3600, TimeToLimitLatestSeconds = double.MaxValue, Current = 1e9, Limit = 2e9,
        };
        foreach (Firing firing in engine.Evaluate("svc", [leak], 100).Concat(engine.Evaluate("svc", [leak with { Verdict = Verdict.Stable }], 1e9)))
        {
            _ = firing.Why.Length;
        }
    }, e => e is RuleFileException);

    /// <summary>The watch history: a real store's bytes, mutated, opened read-only and read through (inputs are Latin-1 byte strings).</summary>
    public static FuzzTarget Store()
    {
        string dir = Directory.CreateTempSubdirectory("leakhound-fuzz-store-").FullName;
        return new("store reader", [StoreSeed(dir)], bytes =>
        {
            string file = Path.Combine(dir, $"{Guid.NewGuid():N}.db");
            File.WriteAllBytes(file, Encoding.Latin1.GetBytes(bytes));
            try
            {
                using WatchStore store = WatchStore.OpenReadOnly(file);
                foreach (WatchRecord w in store.List())
                {
                    _ = store.Samples(w.Id).Count + store.Marks(w.Id).Count + (w.IsBeingWritten ? 1 : 0);
                }
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                File.Delete(file);
            }
        }, e => e is IOException); // StoreException, or "cannot read" (an IOException naming the cause)
    }

    /// <summary>What the tool does with a verdict: prints its rate and time to limit, writes its JSON.</summary>
    private static void Use(SeriesVerdict v)
    {
        _ = VerdictText.Rate(v) + VerdictText.TimeToLimit(v) + v.Reason;
        using MemoryStream json = new();
        using (System.Text.Json.Utf8JsonWriter w = new(json))
        {
            VerdictJson.Write(w, v);
        }
    }

    private static string[] TraceSeeds()
    {
        StringBuilder leak = new("t_seconds,series,value\n");
        StringBuilder wide = new("t_seconds,rss,fds,\"svc (1)/threads\"\n");
        StringBuilder lines = new();
        for (int i = 0; i < 120; i++)
        {
            double t = i * 0.5;
            leak.Append(CultureInfo.InvariantCulture, $"{t},rss,{1e8 + i * 3e5 + (i % 7) * 1e4}\n");
            leak.Append(CultureInfo.InvariantCulture, $"{t},dotnet_gc_heap_size_bytes,{5e7 + (i % 10) * 2e6}\n");
            wide.Append(CultureInfo.InvariantCulture, $"{t},{2e8 - (i % 13) * 1e6},{20 + i / 10},{8}\n");
            lines.Append(CultureInfo.InvariantCulture, $"{{\"t_seconds\":{t},\"series\":\"svc (1)/rss\",\"value\":{3e8 + i * 1e6}}}\n");
        }

        return [leak.ToString(), wide.ToString(), lines.ToString()];
    }

    private static string[] ExpositionSeeds() =>
    [
        """
        # HELP process_resident_memory_bytes Resident memory size in bytes.
        # TYPE process_resident_memory_bytes gauge
        process_resident_memory_bytes 4.5056e+07
        # TYPE http_requests_total counter
        http_requests_total{method="GET",code="200"} 1027 1395066363000
        http_requests_total{method="POST",code="500",path="/a\"b\\c\nd"} 3
        # TYPE rpc_duration_seconds histogram
        rpc_duration_seconds_bucket{le="0.05"} 24054
        rpc_duration_seconds_bucket{le="+Inf"} 144320
        rpc_duration_seconds_sum 53423
        rpc_duration_seconds_count 144320
        go_goroutines NaN
        """,
        """
        # TYPE nodejs_heap_size_used_bytes gauge
        nodejs_heap_size_used_bytes 1.2e7
        # TYPE x summary
        x{quantile="0.5"} 1
        x_sum 2
        x_count 3
        # EOF
        """,
    ];

    private static string[] RuleSeeds() =>
    [
        """
        // comments are allowed
        { "rules": [
          { "name": "page", "when": { "series": "rss", "verdict": "leak" },
            "do": [ { "webhook": "http://127.0.0.1:9/hook" }, { "command": ["/bin/echo", "a b"] }, "heapdiff", { "stop": {} } ],
            "cooldown": "5m" },
          { "when": { "time_to_limit_below": "2h" }, "do": ["stop"] },
          { "when": { "series": "go_*", "value_above": 10000 }, "do": ["heapdiff"], "cooldown": 30, },
        ] }
        """,
        """{ "rules": [ { "when": { "time_to_limit_below": 1e300 }, "do": ["heapdiff"] } ] }""",
    ];

    private static string StoreSeed(string dir)
    {
        string path = Path.Combine(dir, "seed.db");
        using (WatchStore store = WatchStore.Open(path, _ => { }))
        {
            store.Begin("run", "svc (1)", "svc --port 1", "1:1");
            for (int round = 0; round < 40; round++)
            {
                store.Add(round, "rss", 1e8 + round * 1e5);
                store.Add(round, "fds", 20 + round);
                store.Commit();
            }

            store.Mark(new TimelineMark(10, "gap", 5));
            store.End("duration", "no leak");
        }

        // One file: the write-ahead log folded into the database, so that its bytes are the whole store.
        using (Microsoft.Data.Sqlite.SqliteConnection db = new($"Data Source={path};Pooling=False"))
        {
            db.Open();
            using Microsoft.Data.Sqlite.SqliteCommand c = db.CreateCommand();
            c.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            c.ExecuteNonQuery();
        }

        return Encoding.Latin1.GetString(File.ReadAllBytes(path));
    }
}
