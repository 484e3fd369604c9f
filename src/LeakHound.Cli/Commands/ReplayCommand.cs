using System.CommandLine;
using LeakHound.Core.Detection;
using LeakHound.Core.Traces;
using LeakHound.Watching;
using LeakHound.Watching.Replay;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound replay TRACE</c>: a recorded trace through the whole live watch — the same detectors, rules, history,
/// report, dashboard and JSON as when it was recorded — on the trace's own clock, as fast as it can be read. For
/// trying rules on a recorded incident, or showing it on the dashboard (which stays up after the replay).
/// </summary>
internal static class ReplayCommand
{
    private static readonly Argument<string> File = new("trace") { Description = "Trace recorded with --out (CSV or JSON lines); - for stdin" };

    public static Command Create()
    {
        Command command = new("replay", "Replay a recorded trace through a live watch (rules, report, dashboard, history) on its own clock");
        command.Arguments.Add(File);
        WatchOptions.AddOutputsTo(command);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        string path = parse.GetValue(File)!;
        Trace trace = AnalyzeCommand.ReadTrace(path);
        WatchRequest read = WatchOptions.Read(parse, "replay");
        WatchRequest request = read with
        {
            Watch = read.Watch with { IntervalSeconds = ReplayTargets.IntervalOf(trace), RuntimeCounters = false },
            Store = parse.GetResult(CommonOptions.Store) is null ? null : read.Store, // a replay is kept only when asked
        };

        Limits limits = new(request.Watch.LimitBytes);
        IReadOnlyList<WatchTarget> targets = ReplayTargets.From(trace, request.Watch.Detector, _ => limits, Path.GetFileName(path));
        if (targets.Count == 0)
        {
            throw new LeakHoundException($"{path}: no samples to replay");
        }

        try
        {
            return await WatchRunner.RunAsync(request, targets, cancel, time: new ReplayClock(), startAt: ReplayTargets.StartOf(trace));
        }
        finally
        {
            foreach (WatchTarget target in targets)
            {
                target.Dispose();
            }
        }
    }
}
