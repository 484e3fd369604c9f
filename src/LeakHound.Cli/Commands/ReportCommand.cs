using System.CommandLine;
using LeakHound.Core.Detection;
using LeakHound.Core.Traces;
using LeakHound.Core.Units;
using LeakHound.Reporting;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound report TRACE -o report.html</c>: a self-contained HTML report with a chart per signal.</summary>
internal static class ReportCommand
{
    private static readonly Argument<string> File = new("trace") { Description = "Trace recorded with --out (CSV or JSON lines); - for stdin" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "HTML file to write" };
    public static readonly Option<string?> Png = new("--png") { Description = "Also write one PNG chart per signal into this directory" };
    private static readonly Option<string?> Limit = new("--limit") { Description = "Memory limit for time-to-limit of byte-valued series, e.g. 2GiB" };
    private static readonly Option<string[]> SeriesFilter = new("--series", "-s") { Description = "Only these series (repeatable; * matches any text)" };

    public static Command Create()
    {
        Command command = new("report", "Write a self-contained HTML report (charts, floor, trend, verdicts) for a recorded trace");
        command.Arguments.Add(File);
        command.Options.Add(Output);
        command.Options.Add(Png);
        command.Options.Add(Limit);
        DetectorOptionSet.AddTo(command);
        command.Options.Add(SeriesFilter);
        command.SetAction(parse =>
        {
            double? limit = WatchOptions.ParseLimit(parse.GetValue(Limit));

            string? output = parse.GetValue(Output);
            string? png = parse.GetValue(Png);
            if (output is null && png is null)
            {
                throw new LeakHoundException("report: give -o FILE.html, --png DIR, or both");
            }

            DetectorOptions options = DetectorOptionSet.Read(parse);
            string path = parse.GetValue(File)!;
            Trace trace = AnalyzeCommand.ReadTrace(path);
            ReportDocument report = Write(trace, output, png, options, limit, path, SeriesMatcher.From(parse.GetValue(SeriesFilter)));
            Console.Error.WriteLine($"leakhound: wrote {string.Join(" and ", new[] { output, png is null ? null : $"{report.Series.Count} PNG charts in {png}" }.Where(x => x is not null))} ({report.Series.Count} signals, {report.Series.Count(s => s.Verdict == "leak")} leaking)");
            return report.Series.Any(s => s.Verdict == "leak") ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
        });
        return command;
    }

    /// <summary>Builds and writes the report; a file that cannot be written is a clear error (exit 2), not a crash.</summary>
    public static ReportDocument Write(Trace trace, string? output, string? pngDirectory, DetectorOptions options, double? limit, string source,
        Func<string, bool>? filter = null, IReadOnlyList<HeapDiffTable>? heapDiffs = null)
    {
        ReportDocument report = ReportBuilder.FromTrace(trace, options, limit, source, filter) with { HeapDiffs = heapDiffs ?? [] };
        if (report.Series.Count == 0)
        {
            throw new LeakHoundException($"no series of '{source}' to report (it has: {string.Join(", ", trace.SeriesNames.Take(10))})");
        }

        try
        {
            if (output is not null)
            {
                HtmlReport.Write(report, output);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--report/-o: cannot write '{output}': {e.Message}");
        }

        try
        {
            if (pngDirectory is not null)
            {
                PngCharts.Write(report, pngDirectory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"--png: cannot write into '{pngDirectory}': {e.Message}");
        }

        return report;
    }

    /// <summary>A heap diff as report rows (the top growing types, with their retention path when one was found).</summary>
    public static HeapDiffTable Table(string target, HeapDiffResult diff) => new(target,
        [.. diff.Growing.Select(g => new HeapDiffRow(g.Type, g.Before.Count, g.After.Count, g.BytesGrowth,
            g.RetentionPath is { Count: > 0 } path ? string.Join(" → ", path) : null))]);

    /// <summary>The end of a live watch: the report from the trace it recorded.</summary>
    public static void WriteFromTrace(string tracePath, string? output, string? pngDirectory, DetectorOptions options, double? limit, string source,
        IReadOnlyList<HeapDiffTable> heapDiffs)
    {
        try
        {
            Write(AnalyzeCommand.ReadTrace(tracePath), output, pngDirectory, options, limit, source, heapDiffs: heapDiffs);
        }
        catch (LeakHoundException e)
        {
            // The watch's verdicts still print: a report that cannot be written must not lose them.
            Console.Error.WriteLine($"leakhound: no report: {e.Message}");
        }
    }
}
