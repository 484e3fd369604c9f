using System.Threading.Channels;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>A soak's progress on a terminal: a bar with elapsed and remaining time and the current verdicts.</summary>
internal sealed class SoakProgressView(IAnsiConsole console, double durationSeconds) : IWatchSink
{
    private readonly Channel<(double Value, string Description)> _updates =
        Channel.CreateBounded<(double, string)>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private Task? _display;

    public bool Showing => _display is { IsCompleted: false };

    public void OnStart(WatchEngine watch)
    {
        _display = console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async ctx =>
            {
                ProgressTask task = ctx.AddTask("soak", maxValue: durationSeconds);
                await foreach ((double value, string description) in _updates.Reader.ReadAllAsync())
                {
                    task.Value = value;
                    task.Description = description;
                }

                task.Value = durationSeconds;
            });
    }

    public void OnRoundEnd(WatchEngine watch) =>
        _updates.Writer.TryWrite((Math.Min(durationSeconds, watch.ElapsedSeconds), Markup.Escape(Summary(watch))));

    public async Task OnStoppedAsync(WatchEngine watch)
    {
        _updates.Writer.TryComplete();
        if (_display is not null)
        {
            await _display;
        }
    }

    /// <summary>"rss stable · threads leak +1/min · fds insufficient" for the tree-level series of every target.</summary>
    public static string Summary(WatchEngine watch)
    {
        IEnumerable<string> parts = watch.Targets.SelectMany(t => t.Detectors.Verdicts(final: false)
            .Where(v => (t.KeyOf(v.Series).IsTreeLevel && v.Series is "rss" or "threads" or "fds") || v.Verdict == Verdict.Leak)
            .Select(v => v.Verdict == Verdict.Leak ? $"{v.Series} LEAK {VerdictText.Rate(v).Split(' ')[0]}" : $"{v.Series} {v.Verdict.ToName()}"));
        return $"soak {Quantity.FormatDuration(watch.ElapsedSeconds)}: " + string.Join(" · ", parts.Take(6));
    }
}
