using System.CommandLine;
using LeakHound.Store;
using LeakHound.Watching;

namespace LeakHound.Cli.Commands;

/// <summary>The options of every watch (<c>run</c>, <c>watch</c>, <c>soak</c>, <c>replay</c>), read into a <see cref="WatchRequest"/>.</summary>
internal static class WatchOptions
{
    public static readonly Option<string> Interval = new("--interval", "-i") { Description = "Sampling interval, e.g. 1s, 500ms", DefaultValueFactory = _ => "1s" };
    public static readonly Option<string?> Duration = new("--duration", "-d") { Description = "Stop after this long, e.g. 10m (default: until the target exits or Ctrl-C)" };
    public static readonly Option<bool> UntilVerdict = new("--until-verdict") { Description = "Stop as soon as a leak is found or every signal has a confident verdict" };
    public static readonly Option<string?> Out = new("--out", "-o") { Description = "Record the samples to a trace: .csv (t_seconds,series,value) or .jsonl" };
    public static readonly Option<string?> Serve = new("--serve")
    {
        Description = "Serve a live dashboard, a JSON API and /metrics while watching, on ADDR:PORT (default 127.0.0.1:7474)",
        Arity = ArgumentArity.ZeroOrOne,
    };
    public static readonly Option<string?> Token = new("--token")
    {
        Description = $"Token every dashboard request must carry (required to --serve on a non-loopback address; at least 16 characters). Other local users can read argv: prefer --token-file or ${TokenVariable}",
    };
    public static readonly Option<string?> TokenFile = new("--token-file") { Description = "Read the dashboard token from this file (its first line; the file must not be readable by group or others)" };

    /// <summary>The environment variable that may hold the dashboard token.</summary>
    public const string TokenVariable = "LEAKHOUND_TOKEN";
    public static readonly Option<string?> Rules = new("--rules") { Description = "Trigger → action rules (JSON file): webhook, command, heap diff or stop when a verdict, time to limit or value says so" };
    public static readonly Option<bool> NoStore = new("--no-store") { Description = "Keep no watch history for this watch" };
    public static readonly Option<long?> Resume = new("--resume")
    {
        Description = "Continue an unfinished watch of the store (the newest of this command, or the given ID) with all its samples",
        Arity = ArgumentArity.ZeroOrOne,
    };
    public static readonly Option<string?> Retention = new("--retention") { Description = "Delete stored watches that ended longer ago than this, e.g. 30d" };
    public static readonly Option<string[]> MetricsUrl = new("--metrics-url") { Description = "Also scrape this Prometheus/OpenMetrics endpoint every interval (repeatable)" };
    public static readonly Option<string[]> Metric = new("--metric") { Description = "Keep only scraped series matching this pattern (repeatable; * matches any text)" };
    public static readonly Option<bool> NoRuntimeCounters = new("--no-runtime-counters") { Description = "Do not read .NET runtime counters over EventPipe from a .NET target" };
    public static readonly Option<bool> ExplainOnLeak = new("--explain-on-leak", "--heapdiff-on-leak")
    {
        Description = "On a leak, say what grows and add it to the output: a heap diff of a .NET target, the growing allocation sites of a Node.js target with --node-inspector, the goroutines and heap sites of a Go target with --pprof-url",
    };
    public static readonly Option<bool> NodeInspector = new("--node-inspector")
    {
        Description = "Open the inspector of a Node.js target (SIGUSR1; closed again at the end) for its heap gauges and --explain-on-leak; any local user could use it meanwhile",
    };
    public static readonly Option<bool> HeapSnapshots = new("--heap-snapshots")
    {
        Description = "With --explain-on-leak and --node-inspector: also take heap snapshots of a Node.js target (growing constructors and collections, the path that holds them). The target pauses for each and its memory rises; refused when its headroom cannot take it",
    };
    public static readonly Option<string?> PprofUrl = new("--pprof-url") { Description = "The target's Go net/http/pprof (http://127.0.0.1:PORT/debug/pprof), for --explain-on-leak" };
    public static readonly Option<bool> NoChildren = new("--no-children") { Description = "Watch only the given processes, not their descendants" };

    /// <summary>The options every watch has (<c>replay</c> has these; a watch of processes has <see cref="AddTo"/>'s).</summary>
    private static readonly Option[] s_outputs = [CommonOptions.Limit, Duration, UntilVerdict, Out, CommonOptions.Report, CommonOptions.Png, Serve, Token, TokenFile, Rules,
        CommonOptions.Store, NoStore, Resume, Retention, CommonOptions.Format];

    /// <summary>What a watch of processes reads: these, and the outputs.</summary>
    private static readonly Option[] s_processes = [Interval, NoChildren, MetricsUrl, Metric, NoRuntimeCounters, ExplainOnLeak, NodeInspector, HeapSnapshots, PprofUrl];

    public static void AddTo(Command command)
    {
        foreach (Option option in s_processes.Concat(s_outputs))
        {
            command.Options.Add(option);
        }

        DetectorOptionSet.AddTo(command);
    }

    /// <summary>The outputs and the detector's options only (<c>replay</c>: its interval and targets come from the trace).</summary>
    public static void AddOutputsTo(Command command)
    {
        foreach (Option option in s_outputs)
        {
            command.Options.Add(option);
        }

        DetectorOptionSet.AddTo(command);
    }

    /// <param name="parse">The command line.</param>
    /// <param name="command">The command, as the history and the JSON document name it.</param>
    /// <param name="expand">Fills placeholders in URL options (soak's <c>{port}</c>) before they are read.</param>
    /// <exception cref="LeakHoundException">An option value is invalid (exit code 2).</exception>
    public static WatchRequest Read(ParseResult parse, string command, Func<string, string>? expand = null)
    {
        double interval = parse.GetResult(Interval) is null ? 1 : CommonOptions.ParseDuration(parse.GetValue(Interval)!, "--interval");
        if (interval < 0.01 || interval > 3600)
        {
            throw new LeakHoundException("--interval must be between 10ms and 1h");
        }

        double? duration = parse.GetValue(Duration) is { } d ? CommonOptions.ParseDuration(d, "--duration") : null;
        double? limit = CommonOptions.ReadLimit(parse);
        bool json = CommonOptions.Json(parse);
        Uri? pprof = null;
        if (parse.GetValue(PprofUrl) is { } given)
        {
            string expanded = (expand ?? (u => u))(given);
            pprof = Uri.TryCreate(expanded, UriKind.Absolute, out Uri? p) && p.Scheme is "http" or "https"
                ? p : throw new LeakHoundException($"--pprof-url: '{expanded}' is not an http(s) URL");
        }

        if (parse.GetValue(ExplainOnLeak) && parse.GetValue(NoRuntimeCounters) && pprof is null && !parse.GetValue(NodeInspector))
        {
            throw new LeakHoundException("--explain-on-leak (--heapdiff-on-leak) of a .NET target needs the runtime counters: drop --no-runtime-counters (or give --node-inspector for a Node.js target, --pprof-url for a Go target)");
        }

        if (parse.GetValue(HeapSnapshots) && !(parse.GetValue(NodeInspector) && (parse.GetValue(ExplainOnLeak) || parse.GetValue(Rules) is not null)))
        {
            throw new LeakHoundException("--heap-snapshots is taken through a Node.js target's inspector when a leak is explained: give it with --node-inspector and --explain-on-leak (or a rules file's explain action)");
        }

        List<Uri> urls = [];
        foreach (string url in (parse.GetValue(MetricsUrl) ?? []).Select(expand ?? (u => u)))
        {
            urls.Add(Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && uri.Scheme is "http" or "https"
                ? uri
                : throw new LeakHoundException($"--metrics-url: '{url}' is not an http(s) URL"));
        }

        WatchSettings watch = new()
        {
            IntervalSeconds = interval,
            DurationSeconds = duration,
            UntilVerdict = parse.GetValue(UntilVerdict),
            LimitBytes = limit,
            IncludeChildren = !parse.GetValue(NoChildren),
            Detector = DetectorOptionSet.Read(parse),
            MetricsUrls = urls,
            MetricPatterns = parse.GetValue(Metric) ?? [],
            RuntimeCounters = !parse.GetValue(NoRuntimeCounters),
            ExplainOnLeak = parse.GetValue(ExplainOnLeak),
            PprofUrl = pprof,
            NodeInspector = parse.GetValue(NodeInspector),
            NodeHeapSnapshots = parse.GetValue(HeapSnapshots),
        };
        return new WatchRequest
        {
            Command = command,
            Watch = watch,
            Json = json,
            OutPath = parse.GetValue(Out),
            ReportPath = parse.GetValue(CommonOptions.Report),
            PngDirectory = parse.GetValue(CommonOptions.Png),
            ServeEndpoint = parse.GetResult(Serve) is null ? null : ParseEndpoint(parse.GetValue(Serve)),
            Token = ReadToken(parse),
            Store = ReadStore(parse),
            Rules = parse.GetValue(Rules) is { } rulesFile ? ReadRules(rulesFile) : null,
            TargetLogPath = parse.GetValue(CommonOptions.TargetLog),
        };
    }

    /// <summary>The watch history: --store FILE, the default one, or none (--no-store); --resume and --retention.</summary>
    private static StoreSettings? ReadStore(ParseResult parse)
    {
        bool resume = parse.GetResult(Resume) is not null;
        if (parse.GetValue(NoStore))
        {
            return resume ? throw new LeakHoundException("--resume continues a stored watch: drop --no-store") : null;
        }

        string? given = parse.GetValue(CommonOptions.Store);
        return new StoreSettings(
            given ?? WatchStore.DefaultPath(),
            IsDefault: given is null,
            Resume: resume,
            ResumeId: parse.GetValue(Resume),
            RetentionSeconds: parse.GetValue(Retention) is { } retention ? CommonOptions.ParseDuration(retention, "--retention") : null);
    }

    /// <summary>The dashboard token: --token, --token-file or $LEAKHOUND_TOKEN (at most one of the options).</summary>
    private static string? ReadToken(ParseResult parse)
    {
        string? given = parse.GetValue(Token);
        string? file = parse.GetValue(TokenFile);
        if (given is not null && file is not null)
        {
            throw new LeakHoundException("--token and --token-file: give one of them");
        }

        if (file is not null)
        {
            return ReadTokenFile(file);
        }

        return given ?? (Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment.Trim() : null);
    }

    /// <summary>The first line of a token file that only its owner can read (like ssh refuses a private key others can read).</summary>
    private static string ReadTokenFile(string path)
    {
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            {
                throw new LeakHoundException($"--token-file: '{path}' can be read by other users; make it private first: chmod 600 {path}");
            }

            string token = (File.ReadLines(path).FirstOrDefault() ?? "").Trim();
            return token.Length > 0 ? token : throw new LeakHoundException($"--token-file: '{path}' is empty");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--token-file: cannot read '{path}': {e.Message}");
        }
    }

    /// <summary>Reads --rules FILE; a mistake is reported as FILE:LINE: reason (exit 2).</summary>
    public static IReadOnlyList<LeakHound.Core.Rules.Rule> ReadRules(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--rules: cannot read '{path}': {e.Message}");
        }

        try
        {
            return LeakHound.Core.Rules.RuleFile.Parse(text);
        }
        catch (LeakHound.Core.Rules.RuleFileException e)
        {
            throw new LeakHoundException($"--rules: {path}:{e.Line}: {e.Reason}");
        }
    }

    /// <summary>ADDR:PORT for --serve: 127.0.0.1:7474, 0.0.0.0:8080, [::1]:0, localhost:7474, or :7474 (loopback).</summary>
    public static System.Net.IPEndPoint ParseEndpoint(string? text)
    {
        const int defaultPort = 7474;
        if (string.IsNullOrWhiteSpace(text))
        {
            return new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, defaultPort);
        }

        string t = text.Trim();
        if (t.StartsWith("localhost:", StringComparison.OrdinalIgnoreCase) || t.StartsWith(':'))
        {
            t = "127.0.0.1" + t[t.IndexOf(':')..];
        }

        return System.Net.IPEndPoint.TryParse(t, out System.Net.IPEndPoint? ep) && t.Contains(':') && ep.Port is >= 0 and <= 65535
            ? ep
            : throw new LeakHoundException($"--serve: '{text}' is not ADDR:PORT (examples: 127.0.0.1:7474, 0.0.0.0:8080, [::1]:7474)");
    }

}
