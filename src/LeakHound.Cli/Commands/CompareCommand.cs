using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Cli.Soak;
using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Traces;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound compare BASE CANDIDATE</c>: two recorded runs of the same service under the same load (traces, or
/// <c>watch:ID</c> from the watch history) — the candidate's excess growth per signal with its 95% interval, and a
/// verdict. Exit codes: 0 no regression, 1 regression, 2 bad input, 4 inconclusive.
/// </summary>
internal static class CompareCommand
{
    private static readonly Argument<string> Base = new("base") { Description = "The base run: a trace file, or watch:ID for a stored watch" };
    private static readonly Argument<string> Candidate = new("candidate") { Description = "The candidate run: a trace file, or watch:ID" };
    private static readonly Option<string[]> SeriesFilter = new("--series", "-s") { Description = "Compare only these series (repeatable; * matches any text)" };
    private static readonly Option<string?> Limit = new("--limit") { Description = "Memory limit of byte-valued series (for the negligible growth), e.g. 2GiB" };
    private static readonly Option<string> Format = new("--format", "-f") { Description = "table (default) or json", DefaultValueFactory = _ => "table" };
    private static readonly Option<string> Skip = new("--skip") { Description = "Leave out the first part of each run (its start-up), e.g. 10s", DefaultValueFactory = _ => "0s" };
    private static readonly Option<string?> JUnit = new("--junit") { Description = "Write JUnit XML: one test case per series, failing on a regression or an inconclusive resource signal" };

    public static Command Create()
    {
        Command command = new("compare", "Compare a candidate run with its base: does the candidate leak more?");
        command.Arguments.Add(Base);
        command.Arguments.Add(Candidate);
        foreach (Option o in new Option[] { SeriesFilter, Limit, Skip, Format, JUnit, HistoryCommand.Store })
        {
            command.Options.Add(o);
        }

        DetectorOptionSet.AddTo(command);
        command.SetAction(parse => Run(parse));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string format = parse.GetValue(Format)!.ToLowerInvariant();
        if (format is not ("table" or "json"))
        {
            throw new LeakHoundException($"--format: '{format}' is not one of: table, json");
        }

        DetectorOptions options = DetectorOptionSet.Read(parse);
        double? limit = WatchOptions.ParseLimit(parse.GetValue(Limit));
        string basePath = parse.GetValue(Base)!;
        string candidatePath = parse.GetValue(Candidate)!;
        Trace baseline = Read(basePath, parse);
        Trace candidate = Read(candidatePath, parse);
        Func<string, bool>? filter = SeriesMatcher.From(parse.GetValue(SeriesFilter));
        List<string> common = [.. baseline.SeriesNames.Where(candidate.SeriesNames.Contains).Where(s => filter is null || filter(s))];
        if (common.Count == 0)
        {
            throw new LeakHoundException($"'{basePath}' and '{candidatePath}' have no series in common{(filter is null ? "" : " that match --series")}");
        }

        double skip = WatchOptions.ParseDuration(parse.GetValue(Skip)!, "--skip");
        IReadOnlyList<GrowthComparison> comparisons = Compare(baseline, candidate, common, options, limit, skip);
        ExitCode code = ComparisonOutput.Outcome(comparisons);
        if (parse.GetValue(JUnit) is { } junit)
        {
            JUnitReport.Write(junit, "leakhound compare", 0, ComparisonOutput.JUnitCases(comparisons));
        }

        if (format == "json")
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (System.Text.Json.Utf8JsonWriter w = VerdictJson.CreateWriter(stdout))
            {
                w.WriteStartObject();
                w.WriteString("command", "compare");
                w.WriteString("base", basePath);
                w.WriteString("candidate", candidatePath);
                w.WriteNumber("exit_code", (int)code);
                ComparisonOutput.WriteJson(w, comparisons, "second");
                w.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            ComparisonOutput.WriteTable(WatchRunner.HumanConsole(json: false), $"{candidatePath} against {basePath}", comparisons, ComparisonOutput.PerMinute);
        }

        return (int)code;
    }

    /// <summary>Each common series of both runs through its own detector (with its runtime's collections), then compared.</summary>
    public static IReadOnlyList<GrowthComparison> Compare(Trace baseline, Trace candidate, IEnumerable<string> series, DetectorOptions options, double? byteLimit, double skip)
    {
        List<GrowthComparison> result = [];
        foreach (string name in series)
        {
            double? limit = SignalUnits.For(name) == SignalUnit.Bytes ? byteLimit : null;
            result.Add(GrowthComparer.Compare(Fed(baseline, name, options, limit, skip), Fed(candidate, name, options, limit, skip), options));
        }

        return result;
    }

    /// <summary>A detector fed one run's series, from <paramref name="skip"/> seconds after the run's first sample on.</summary>
    private static SeriesDetector Fed(Trace trace, string series, DetectorOptions options, double? limit, double skip)
    {
        SeriesDetector detector = new(series, options, limit);
        double from = trace.SeriesNames.SelectMany(s => trace[s].Take(1)).Min(s => s.T) + skip;
        foreach (Core.Series.Sample s in trace[series].Where(s => s.T >= from))
        {
            detector.Add(s.T, s.Value);
        }

        return detector;
    }

    /// <summary>A trace file, or <c>watch:ID</c> from the watch history (--store).</summary>
    private static Trace Read(string source, ParseResult parse)
    {
        if (!source.StartsWith("watch:", StringComparison.Ordinal))
        {
            return AnalyzeCommand.ReadTrace(source);
        }

        if (!long.TryParse(source["watch:".Length..], out long id))
        {
            throw new LeakHoundException($"'{source}': a stored watch is watch:ID, with the ID that leakhound history shows");
        }

        using LeakHound.Store.WatchStore store = HistoryCommand.OpenExisting(parse.GetValue(HistoryCommand.Store));
        if (store.List().All(w => w.Id != id))
        {
            throw new LeakHoundException($"'{source}': no watch {id} in {store.Path} (see leakhound history)");
        }

        return Trace.From(store.Samples(id));
    }
}
