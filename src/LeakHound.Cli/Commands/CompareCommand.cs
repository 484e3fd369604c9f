using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Cli.Soak;
using LeakHound.Core.Detection;
using LeakHound.Core.Series;
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
    private static readonly Option<string> Skip = new("--skip") { Description = "Leave out the first part of each run (its start-up), e.g. 10s", DefaultValueFactory = _ => "0s" };

    public static Command Create()
    {
        Command command = new("compare", "Compare a candidate run with its base: does the candidate leak more?");
        command.Arguments.Add(Base);
        command.Arguments.Add(Candidate);
        foreach (Option o in new Option[] { CommonOptions.Series, CommonOptions.Limit, Skip, CommonOptions.Format, CommonOptions.JUnit, CommonOptions.Store })
        {
            command.Options.Add(o);
        }

        DetectorOptionSet.AddTo(command);
        command.SetAction(parse => Run(parse));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        bool json = CommonOptions.Json(parse);
        DetectorOptions options = DetectorOptionSet.Read(parse);
        Limits limits = new(CommonOptions.ReadLimit(parse), MemorySource: "--limit");
        string basePath = parse.GetValue(Base)!;
        string candidatePath = parse.GetValue(Candidate)!;
        Trace baseline = Read(basePath, parse);
        Trace candidate = Read(candidatePath, parse);
        Func<string, bool>? filter = CommonOptions.SeriesFilter(parse);
        List<string> common = [.. baseline.SeriesNames.Where(candidate.SeriesNames.Contains).Where(s => filter is null || filter(s))];
        if (common.Count == 0)
        {
            throw new LeakHoundException($"'{basePath}' and '{candidatePath}' have no series in common{(filter is null ? "" : " that match --series")}");
        }

        double skip = CommonOptions.ParseDuration(parse.GetValue(Skip)!, "--skip");
        IReadOnlyList<GrowthComparison> comparisons = Compare(baseline, candidate, common, options, limits, skip);
        ExitCode code = ComparisonOutput.Outcome(comparisons);
        if (parse.GetValue(CommonOptions.JUnit) is { } junit)
        {
            JUnitReport.Write(junit, "leakhound compare", 0, ComparisonOutput.JUnitCases(comparisons));
        }

        if (json)
        {
            JsonStdout.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("command", "compare");
                w.WriteString("base", basePath);
                w.WriteString("candidate", candidatePath);
                w.WriteNumber("exit_code", (int)code);
                ComparisonOutput.WriteJson(w, comparisons, "second");
                w.WriteEndObject();
            });
        }
        else
        {
            ComparisonOutput.WriteTable(HumanConsole.Create(json: false), $"{candidatePath} against {basePath}", comparisons, ComparisonOutput.PerMinute);
        }

        return (int)code;
    }

    /// <summary>Both runs replayed as <c>analyze</c> replays them (each target's detector set, its runtime's collections), then each common series compared.</summary>
    public static IReadOnlyList<GrowthComparison> Compare(Trace baseline, Trace candidate, IEnumerable<string> series, DetectorOptions options, Limits limits, double skip)
    {
        List<string> names = [.. series.Distinct()];
        HashSet<string> wanted = [.. names];
        IReadOnlyDictionary<string, DetectorSet> baseSets = TraceAnalysis.Replay(Skipped(baseline, skip), options, _ => limits, wanted.Contains);
        IReadOnlyDictionary<string, DetectorSet> candidateSets = TraceAnalysis.Replay(Skipped(candidate, skip), options, _ => limits, wanted.Contains);
        List<GrowthComparison> result = [];
        foreach (string name in names)
        {
            SeriesKey key = SeriesKey.Parse(name);
            if (baseSets.TryGetValue(key.Target, out DetectorSet? b) && b.TryGet(key, out SeriesDetector baseDetector)
                && candidateSets.TryGetValue(key.Target, out DetectorSet? c) && c.TryGet(key, out SeriesDetector candidateDetector))
            {
                result.Add(GrowthComparer.Compare(baseDetector, candidateDetector, options));
            }
        }

        return result;
    }

    /// <summary>A run without its first <paramref name="skip"/> seconds (after its first sample): its start-up.</summary>
    private static Trace Skipped(Trace trace, double skip)
    {
        if (skip <= 0)
        {
            return trace;
        }

        double from = trace.SeriesNames.SelectMany(s => trace[s].Take(1)).Min(s => s.T) + skip;
        return Trace.From(trace.SeriesNames.SelectMany(name => trace[name].Where(s => s.T >= from).Select(s => (s.T, name, s.Value))));
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

        using LeakHound.Store.WatchStore store = HistoryCommand.OpenExisting(parse.GetValue(CommonOptions.Store));
        if (store.List().All(w => w.Id != id))
        {
            throw new LeakHoundException($"'{source}': no watch {id} in {store.Path} (see leakhound history)");
        }

        return Trace.From(store.Samples(id));
    }
}
