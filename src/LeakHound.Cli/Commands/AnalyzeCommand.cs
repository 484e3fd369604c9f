using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Detection;
using LeakHound.Core.Traces;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using Spectre.Console;

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
    private static readonly Option<string?> Limit = new("--limit") { Description = "Memory limit for time-to-limit of byte-valued series, e.g. 2GiB" };
    private static readonly Option<string> Format = new("--format", "-f") { Description = "table (default) or json", DefaultValueFactory = _ => "table" };
    private static readonly Option<string[]> SeriesFilter = new("--series", "-s") { Description = "Analyse only these series (repeatable; * matches any text)" };
    private static readonly Option<string?> Report = new("--report") { Description = "Also write a self-contained HTML report with a chart per signal to this file" };

    public static Command Create()
    {
        Command command = new("analyze", "Give leak verdicts for a recorded trace");
        command.Arguments.Add(File);
        command.Options.Add(Limit);
        command.Options.Add(Format);
        DetectorOptionSet.AddTo(command);
        command.Options.Add(SeriesFilter);
        command.Options.Add(Report);
        command.Options.Add(HistoryCommand.Store);
        command.Options.Add(WatchId);
        command.Options.Add(ReportCommand.Png);
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
        string format = parse.GetValue(Format)!.ToLowerInvariant();
        if (format is not ("table" or "json"))
        {
            throw new LeakHoundException($"--format: '{format}' is not one of: table, json");
        }

        double? limit = WatchOptions.ParseLimit(parse.GetValue(Limit));

        DetectorOptions options = DetectorOptionSet.Read(parse);
        Trace trace;
        if (watchId is { } id)
        {
            using LeakHound.Store.WatchStore store = HistoryCommand.OpenExisting(parse.GetValue(HistoryCommand.Store));
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

        Func<string, bool>? filter = SeriesMatcher.From(parse.GetValue(SeriesFilter));
        IReadOnlyList<SeriesVerdict> verdicts = TraceAnalysis.Analyze(trace, options, limit, filter);
        if (verdicts.Count == 0)
        {
            throw new LeakHoundException($"no series of '{path}' matches --series (it has: {string.Join(", ", trace.SeriesNames.Take(10))})");
        }

        ExitCode code = verdicts.Any(v => v.Verdict == Verdict.Leak) ? ExitCode.Leak : ExitCode.NoLeak;
        if (parse.GetValue(Report) is not null || parse.GetValue(ReportCommand.Png) is not null)
        {
            ReportCommand.Write(trace, parse.GetValue(Report), parse.GetValue(ReportCommand.Png), options, limit, path, filter);
        }

        if (format == "json")
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (System.Text.Json.Utf8JsonWriter w = VerdictJson.CreateWriter(stdout))
            {
                w.WriteStartObject();
                w.WriteString("command", "analyze");
                w.WriteString("file", path);
                w.WriteNumber("samples", trace.SampleCount);
                w.WriteNumber("exit_code", (int)code);
                w.WriteStartArray("verdicts");
                foreach (SeriesVerdict v in verdicts)
                {
                    VerdictJson.WriteVerdict(w, v);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            VerdictTable.Write(WatchRunner.HumanConsole(json: false), $"{path}: {trace.SampleCount} samples, {verdicts.Count} series", verdicts);
        }

        return (int)code;
    }

    public static Trace ReadTrace(string path)
    {
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
