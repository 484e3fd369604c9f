using System.CommandLine;
using System.Globalization;
using LeakHound.Cli.Commands;
using LeakHound.Core.Units;

namespace LeakHound.Cli.Soak;

/// <summary>A soak's command line, read once and validated. Strings may hold <c>{port}</c>, filled per service.</summary>
internal sealed record SoakSettings
{
    public const string PortPlaceholder = "{port}";

    /// <summary>The service under test (the candidate), split like a shell would.</summary>
    public required string[] Target { get; init; }

    /// <summary>The base build to compare with (--baseline), run under the same load; null for a plain soak.</summary>
    public string[]? Baseline { get; init; }

    /// <summary>The commands and URLs hold {port}: the base and the candidate run side by side, each on a free port.</summary>
    public bool SideBySide { get; init; }

    public string? ReadyUrl { get; init; }

    public double? ReadyAfterSeconds { get; init; }

    /// <summary>The --load URL (may hold {port}), its rate, concurrency and abort size, method and body; null for no HTTP load.</summary>
    public LoadRequest? Load { get; init; }

    public string[]? LoadCommand { get; init; }

    /// <summary>Most --load-cmd runs per second in duration mode (--rate): a quick command is not run back to back.</summary>
    public double LoadCommandPerSecond { get; init; } = 10;

    public int? Iterations { get; init; }

    public double WarmupSeconds { get; init; }

    public double DurationSeconds { get; init; }

    public string? JUnitPath { get; init; }

    /// <summary>How each service is watched and where it goes (its --metrics-url filled in per service by <see cref="WatchFor"/>).</summary>
    public required WatchRequest Watch { get; init; }

    /// <summary>Reads the watch options again with {port} filled in: each service scrapes its own endpoint.</summary>
    public required Func<int?, WatchRequest> WatchFor { get; init; }

    public string? TargetLog => Watch.TargetLogPath;

    public string Fill(string text, int? port) => port is { } p ? text.Replace(PortPlaceholder, p.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal) : text;

    public string[] Fill(string[] argv, int? port) => [.. argv.Select(a => Fill(a, port))];

    /// <exception cref="LeakHoundException">A value is invalid (exit code 2).</exception>
    public static SoakSettings Read(ParseResult parse, SoakOptions o)
    {
        string[] target = CommandLineSplitter.Split(parse.GetValue(o.Target)!);
        if (target.Length == 0) { throw new LeakHoundException("--target is empty"); }
        string[]? baseline = parse.GetValue(o.Baseline) is { } b ? CommandLineSplitter.Split(b) : null;
        if (baseline is { Length: 0 }) { throw new LeakHoundException("--baseline is empty"); }
        bool sideBySide = baseline is not null && (target.Any(HasPort) || baseline.Any(HasPort));
        Func<string, string> validation = s => s.Replace(PortPlaceholder, "1", StringComparison.Ordinal);
        WatchRequest watch = WatchOptions.Read(parse, "soak", validation);
        string[]? loadCmd = parse.GetValue(o.LoadCmd) is { } lc ? CommandLineSplitter.Split(lc) : null;
        var load = ReadLoad(parse, o, validation);
        int? iterations = parse.GetValue(o.Iterations);
        if (iterations is { } n && (n < 8 || (load is null && loadCmd is null)))
        {
            throw new LeakHoundException("--iterations needs at least 8 and a load (--load or --load-cmd)");
        }

        if (iterations is not null && (watch.ReportPath is not null || watch.PngDirectory is not null || watch.ServeEndpoint is not null))
        {
            throw new LeakHoundException("--report, --png and --serve follow a duration-mode soak (--duration); an iteration-mode soak reports growth per iteration (--junit, --format json)");
        }

        if (baseline is null && (target.Any(HasPort) || parse.GetValue(o.ReadyUrl) is { } r && HasPort(r)))
        {
            throw new LeakHoundException("{port} is filled in only with --baseline (each build on its own free port)");
        }

        double warmup = CommonOptions.ParseDuration(parse.GetValue(o.Warmup)!, "--warmup");
        double duration = watch.Watch.DurationSeconds ?? 300;
        if (iterations is null && duration <= warmup) { throw new LeakHoundException("--duration must be longer than --warmup"); }

        // The soak's whole watch is the evidence: the minimum span is at most half of it, unless given.
        if (!DetectorOptionSet.MinSpanGiven(parse))
        {
            watch = watch with { Watch = watch.Watch with { Detector = watch.Watch.Detector with { MinSpanSeconds = Math.Min(300, (duration - warmup) / 2) } } };
        }

        WatchRequest final = watch;
        return new SoakSettings
        {
            Target = target,
            Baseline = baseline,
            SideBySide = sideBySide,
            ReadyUrl = parse.GetValue(o.ReadyUrl),
            ReadyAfterSeconds = parse.GetValue(o.ReadyAfter) is { } after ? CommonOptions.ParseDuration(after, "--ready-after") : null,
            Load = load,
            LoadCommand = loadCmd,
            LoadCommandPerSecond = ReadRate(parse, o),
            Iterations = iterations,
            WarmupSeconds = warmup,
            DurationSeconds = duration,
            JUnitPath = parse.GetValue(CommonOptions.JUnit),
            Watch = final,
            WatchFor = port =>
            {
                WatchRequest filled = WatchOptions.Read(parse, "soak", s => s.Replace(PortPlaceholder, port?.ToString(CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal));
                return filled with { Watch = filled.Watch with { Detector = final.Watch.Detector } };
            },
        };
    }

    private static bool HasPort(string s) => s.Contains(PortPlaceholder, StringComparison.Ordinal);

    private static LoadRequest? ReadLoad(ParseResult parse, SoakOptions o, Func<string, string> validation)
    {
        string[]? load = parse.GetValue(o.Load);
        if (load is null || load.Length == 0)
        {
            if (parse.GetValue(o.Method) is not null || parse.GetValue(o.Body) is not null)
            {
                throw new LeakHoundException("--method and --body shape the requests of --load: give --load URL");
            }

            return null;
        }

        string? given = load.Length == 2 ? load[0] : null;
        if (given is not null && parse.GetValue(o.Method) is { } option && !option.Equals(given, StringComparison.OrdinalIgnoreCase))
        {
            throw new LeakHoundException($"--load says {given} and --method says {option}: give one");
        }

        string method = (given ?? parse.GetValue(o.Method) ?? "GET").ToUpperInvariant();
        if (method.Length is 0 or > 16 || !method.All(char.IsAsciiLetterUpper))
        {
            throw new LeakHoundException($"--method: '{method}' is not an HTTP method (GET, POST, PUT, PATCH, DELETE …)");
        }

        if (!Uri.TryCreate(validation(load[^1]), UriKind.Absolute, out Uri? url))
        {
            throw new LeakHoundException($"--load: '{load[^1]}' is not a URL");
        }

        HttpLoad.Validate(url, parse.GetValue(o.AllowRemoteLoad));
        double perSecond = ReadRate(parse, o);
        int concurrency = parse.GetValue(o.Concurrency);
        if (concurrency is < 1 or > 1000) { throw new LeakHoundException("--concurrency must be between 1 and 1000"); }
        long? abortAfter = null;
        if (parse.GetValue(o.AbortAfter) is { } a)
        {
            abortAfter = Quantity.TryParseBytes(a, out double bytes) ? (long)bytes : throw new LeakHoundException($"--abort-after: '{a}' is not a size");
        }

        (byte[]? body, string? contentType) = ReadBody(parse.GetValue(o.Body), parse.GetValue(o.ContentType));
        return new LoadRequest(load[^1], perSecond, concurrency, abortAfter, method, body, contentType);
    }

    private static double ReadRate(ParseResult parse, SoakOptions o)
    {
        string rate = parse.GetValue(o.Rate)!;
        return double.TryParse(rate.Replace("/s", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double perSecond) && perSecond is > 0 and <= 10_000
            ? perSecond
            : throw new LeakHoundException($"--rate: '{rate}' is not a rate between 0 and 10000/s (example: 50/s)");
    }

    /// <summary>--body TEXT or @FILE (at most 64 MiB: it is held in memory and sent with every request).</summary>
    private static (byte[]?, string?) ReadBody(string? body, string? contentType)
    {
        if (body is null)
        {
            return contentType is null ? (null, null) : throw new LeakHoundException("--content-type describes --body: give --body too");
        }

        byte[] bytes;
        if (body.StartsWith('@'))
        {
            string path = body[1..];
            try
            {
                FileInfo file = new(path);
                bytes = file.Exists && file.Length > 64L << 20
                    ? throw new LeakHoundException($"--body: '{path}' is over 64 MiB")
                    : File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new LeakHoundException($"--body: cannot read '{path}': {e.Message}");
            }
        }
        else
        {
            bytes = System.Text.Encoding.UTF8.GetBytes(body);
        }

        string trimmed = System.Text.Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, 64)).TrimStart();
        string type = contentType ?? (trimmed.StartsWith('{') || trimmed.StartsWith('[') ? "application/json" : "application/octet-stream");
        return System.Net.Http.Headers.MediaTypeHeaderValue.TryParse(type, out _)
            ? (bytes, type)
            : throw new LeakHoundException($"--content-type: '{type}' is not a media type (example: application/json)");
    }
}

/// <summary>What --load sends: where, how often, how many at once, how much of each answer is read, and the request itself.</summary>
internal sealed record LoadRequest(string Url, double PerSecond, int Concurrency, long? AbortAfter, string Method, byte[]? Body, string? ContentType);
