using LeakHound.Cli.Watching;
using LeakHound.Core.Verdicts;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>A live table per target on a terminal: value, sparkline, verdict, rate and time to limit for every series.</summary>
public sealed class LiveTableView(IAnsiConsole console, int maxRowsPerTarget = 12) : IWatchView
{
    public async Task RunAsync(WatchSession session, CancellationToken cancel)
    {
        await console.Live(Build(session))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async ctx =>
            {
                await session.RunAsync(() => ctx.UpdateTarget(Build(session)), cancel);
                ctx.UpdateTarget(Build(session));
            });
    }

    public Table Build(WatchSession session)
    {
        Table table = new Table().Border(TableBorder.Rounded).Expand();
        table.Title = new TableTitle($"LeakHound · {VerdictText.Seconds(session.ElapsedSeconds)} · Ctrl-C stops and prints the verdict");
        table.AddColumns("target", "series", "current", "recent", "verdict", "rate (95% CI)", "time to limit");
        foreach (WatchedTarget target in session.Targets)
        {
            int rows = 0;
            foreach (SeriesVerdict v in target.Book.Verdicts(final: false))
            {
                if (rows++ >= maxRowsPerTarget)
                {
                    table.AddRow(Markup.Escape(target.Label), "…", "", "", "", "", "");
                    break;
                }

                SeriesState state = target.Book[v.Series];
                string status = target.Exited ? " (exited)" : "";
                table.AddRow(
                    new Markup(Markup.Escape(target.Label + status)),
                    new Markup(Markup.Escape(v.Series)),
                    new Markup(Markup.Escape(VerdictText.Value(v.Series, state.Latest))),
                    new Markup(Markup.Escape(Sparkline.Render(state.Recent()))),
                    new Markup($"[{VerdictText.Color(v.Verdict)}]{v.Verdict.ToName()}[/]"),
                    new Markup(Markup.Escape(VerdictText.Rate(v))),
                    new Markup(Markup.Escape(VerdictText.TimeToLimit(v))));
            }
        }

        if (session.Notices.Count > 0)
        {
            table.Caption = new TableTitle(Markup.Escape(session.Notices.Last()));
        }

        return table;
    }
}
