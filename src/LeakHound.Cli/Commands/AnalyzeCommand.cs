using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Detection;
using LeakHound.Core.Traces;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Reporting;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound analyze FILE</c>: the same verdicts offline, from a recorded trace.</summary>
internal static class AnalyzeCommand
{
    private static readonly Argument<string?> File = new("file")
    {
        Description = "Trace: long CSV (t_seconds,series,value), wide CSV (t_seconds,<series>…) or JSON lines; - for stdin",
        Arity = ArgumentArity.ZeroOrOne,
    };
    private static readonly Option<long?> WatchId = new("--watch") { Description = "With --store: re-analyse this stored watch (see leakhound history)" };

    public static Command Create()
    {
        Command command = new("analyze", "Give leak verdicts for a recorded trace");
        command.Arguments.Add(File);
        command.Options.Add(CommonOptions.Limit);
        command.Options.Add(CommonOptions.Format);
        DetectorOptionSet.AddTo(command);
        command.Options.Add(CommonOptions.Series);
        command.Options.Add(CommonOptions.Report);
        command.Options.Add(CommonOptions.Png);
        command.Options.Add(CommonOptions.Store);
        command.Options.Add(WatchId);
        command.SetAction(parse => Run(parse));
        return command;
    }

    private static int Run(ParseResult parse)
    {
        string? file = parse.GetValue(File);
        long? watchId = parse.GetValue(WatchId);
        if ((file is null) == (watchId is null))
        {
            throw new LeakHoundException("analyze: give a trace FILE, or --watch ID (with --store) for a stored watch");
        }

        string path = file ?? $"watch {watchId}";
        bool json = CommonOptions.Json(parse);
        Limits limits = new(CommonOptions.ReadLimit(parse), MemorySource: "--limit");

        DetectorOptions options = DetectorOptionSet.Read(parse);
        Trace trace;
        if (watchId is { } id)
        {
            using LeakHound.Store.WatchStore store = HistoryCommand.OpenExisting(parse.GetValue(CommonOptions.Store));
            if (store.List().All(w => w.Id != id))
            {
                throw new LeakHoundException($"--watch: no watch {id} in {store.Path} (see leakhound history)");
            }

            trace = Trace.From(store.Samples(id));
        }
        else
        {
            trace = ReadTrace(path);
        }
        if (trace.OutOfOrderRows > 0)
        {
            Console.Error.WriteLine($"leakhound: {trace.OutOfOrderRows} rows of '{path}' were out of time order; sorted them by time");
        }

        Func<string, bool>? filter = CommonOptions.SeriesFilter(parse);
        // One replay gives the verdicts and the report's charts alike.
        IReadOnlyDictionary<string, DetectorSet> sets = TraceAnalysis.Replay(trace, options, _ => limits, filter);
        IReadOnlyList<SeriesVerdict> verdicts = [.. sets.Values.SelectMany(set => set.Verdicts(final: true))];
        if (verdicts.Count == 0)
        {
            throw new LeakHoundException($"no series of '{path}' matches --series (it has: {string.Join(", ", trace.SeriesNames.Take(10))})");
        }

        ExitCode code = verdicts.Any(v => v.Verdict == Verdict.Leak) ? ExitCode.Leak : ExitCode.NoLeak;
        string? html = parse.GetValue(CommonOptions.Report);
        string? png = parse.GetValue(CommonOptions.Png);
        if (html is not null || png is not null)
        {
            ReportFiles.Write(ReportBuilder.FromReplay(trace, sets, options, path), html, png);
        }

        if (json)
        {
            JsonStdout.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("command", "analyze");
                w.WriteString("file", path);
                w.WriteNumber("samples", trace.SampleCount);
                w.WriteNumber("exit_code", (int)code);
                w.WriteStartArray("verdicts");
                foreach (SeriesVerdict v in verdicts)
                {
                    VerdictJson.Write(w, v);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        }
        else
        {
            VerdictTable.Write(HumanConsole.Create(json: false), $"{path}: {trace.SampleCount} samples, {verdicts.Count} series", verdicts);
        }

        return (int)code;
    }

    public static Trace ReadTrace(string path)
    {
        if (Directory.Exists(path))
        {
            throw new LeakHoundException($"{path}: is a folder, not a trace file"); // opening it would say "permission denied"
        }

        try
        {
            using TextReader reader = path == "-" ? Console.In : new StreamReader(path);
            return TraceReader.Read(reader);
        }
        catch (TraceFormatException e)
        {
            throw new LeakHoundException($"{path}: {e.Message}");
        }
        catch (FileNotFoundException)
        {
            throw new LeakHoundException($"{path}: no such file");
        }
        catch (DirectoryNotFoundException)
        {
            throw new LeakHoundException($"{path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new LeakHoundException($"{path}: permission denied");
        }
        catch (IOException e)
        {
            throw new LeakHoundException($"{path}: {e.Message}");
        }
    }
}
