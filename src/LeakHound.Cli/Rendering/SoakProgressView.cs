using LeakHound.Cli.Watching;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>A soak's progress on a terminal: a bar with elapsed and remaining time and the current verdicts.</summary>
public sealed class SoakProgressView(IAnsiConsole console, double durationSeconds) : IWatchView
{
    public async Task RunAsync(WatchSession session, CancellationToken cancel)
    {
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask task = ctx.AddTask("soak", maxValue: durationSeconds);
                await session.RunAsync(() =>
                {
                    task.Value = Math.Min(durationSeconds, session.ElapsedSeconds);
                    task.Description = Markup.Escape(Summary(session));
                }, cancel);
                task.Value = durationSeconds;
            });
    }

    /// <summary>"rss stable · threads leak +1/min · fds insufficient" for the tree-level series of every target.</summary>
    public static string Summary(WatchSession session)
    {
        IEnumerable<string> parts = session.Targets.SelectMany(t => t.Book.Verdicts(final: false)
            .Where(v => !v.Series.Contains('{') && v.Series is "rss" or "threads" or "fds" || v.Verdict == Verdict.Leak)
            .Select(v => v.Verdict == Verdict.Leak ? $"{v.Series} LEAK {VerdictText.Rate(v).Split(' ')[0]}" : $"{v.Series} {v.Verdict.ToName()}"));
        return $"soak {Quantity.FormatDuration(session.ElapsedSeconds)}: " + string.Join(" · ", parts.Take(6));
    }
}
