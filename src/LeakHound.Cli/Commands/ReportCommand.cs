using System.CommandLine;
using LeakHound.Core.Detection;
using LeakHound.Core.Traces;
using LeakHound.Reporting;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound report TRACE -o report.html</c>: a self-contained HTML report with a chart per signal.</summary>
internal static class ReportCommand
{
    private static readonly Argument<string> File = new("trace") { Description = "Trace recorded with --out (CSV or JSON lines); - for stdin" };
    private static readonly Option<string?> Output = new("--output", "-o") { Description = "HTML file to write" };

    public static Command Create()
    {
        Command command = new("report", "Write a self-contained HTML report (charts, floor, trend, verdicts) for a recorded trace");
        command.Arguments.Add(File);
        command.Options.Add(Output);
        command.Options.Add(CommonOptions.Png);
        command.Options.Add(CommonOptions.Limit);
        DetectorOptionSet.AddTo(command);
        command.Options.Add(CommonOptions.Series);
        command.SetAction(parse =>
        {
            Limits limits = new(CommonOptions.ReadLimit(parse), MemorySource: "--limit");
            string? output = parse.GetValue(Output);
            string? png = parse.GetValue(CommonOptions.Png);
            if (output is null && png is null)
            {
                throw new LeakHoundException("report: give -o FILE.html, --png DIR, or both");
            }

            DetectorOptions options = DetectorOptionSet.Read(parse);
            string path = parse.GetValue(File)!;
            Trace trace = AnalyzeCommand.ReadTrace(path);
            ReportDocument report = ReportBuilder.FromTrace(trace, options, _ => limits, path, CommonOptions.SeriesFilter(parse));
            if (report.Series.Count == 0)
            {
                throw new LeakHoundException($"no series of '{path}' to report (it has: {string.Join(", ", trace.SeriesNames.Take(10))})");
            }

            ReportFiles.Write(report, output, png);
            int leaking = report.Series.Count(s => s.Verdict.Verdict == Core.Verdicts.Verdict.Leak);
            Console.Error.WriteLine($"leakhound: wrote {string.Join(" and ", new[] { output, png is null ? null : $"{report.Series.Count} PNG charts in {png}" }.Where(x => x is not null))} ({report.Series.Count} signals, {leaking} leaking)");
            return leaking > 0 ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
        });
        return command;
    }
}
