using System.Threading.Channels;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>
/// A live table on a terminal: per target and series the value, a sparkline, the verdict, the rate and the time to the
/// limit. Each round's table is built on the sampling thread (it reads the detectors) and drawn in the background; only
/// as many rows as the terminal shows are built, so a watch of a thousand targets costs what a screenful does.
/// </summary>
internal sealed class LiveTableView(IAnsiConsole console, int maxRowsPerTarget = 12) : IWatchSink
{
    private const int SparkLength = 32;
    private readonly Dictionary<(WatchTarget, SeriesKey), RecentValues> _recent = [];
    private readonly Channel<Table> _frames = Channel.CreateBounded<Table>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
    private Task? _display;

    /// <summary>The live display holds the terminal.</summary>
    public bool Showing => _display is { IsCompleted: false };

    public void OnStart(WatchEngine watch)
    {
        Table first = Build(watch);
        _display = console.Live(first)
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async ctx =>
            {
                await foreach (Table frame in _frames.Reader.ReadAllAsync())
                {
                    ctx.UpdateTarget(frame);
                }
            });
    }

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value)
    {
        if (!_recent.TryGetValue((target, key), out RecentValues? recent))
        {
            _recent[(target, key)] = recent = new RecentValues(SparkLength);
        }

        recent.Add(value);
    }

    public void OnRoundEnd(WatchEngine watch) => _frames.Writer.TryWrite(Build(watch));

    public async Task OnStoppedAsync(WatchEngine watch)
    {
        _frames.Writer.TryWrite(Build(watch));
        _frames.Writer.TryComplete();
        if (_display is not null)
        {
            await _display;
        }
    }

    private Table Build(WatchEngine watch)
    {
        Table table = new Table().Border(TableBorder.Rounded).Expand();
        table.Title = new TableTitle($"LeakHound · {VerdictText.Seconds(watch.ElapsedSeconds)} · Ctrl-C stops and prints the verdict");
        table.AddColumns("target", "series", "current", "recent", "verdict", "rate (95% CI)", "time to limit");
        int budget = Math.Max(8, console.Profile.Height - 8);
        int shownTargets = 0;
        foreach (WatchTarget target in watch.Targets)
        {
            if (budget <= 0)
            {
                table.AddRow($"… {watch.Targets.Count - shownTargets} more targets", "", "", "", "", "", "");
                break;
            }

            shownTargets++;
            int rows = 0;
            foreach (SeriesVerdict v in target.Detectors.Verdicts(final: false))
            {
                if (rows++ >= maxRowsPerTarget || budget <= 0)
                {
                    table.AddRow(Markup.Escape(target.Label), "…", "", "", "", "", "");
                    break;
                }

                budget--;
                SeriesKey key = target.KeyOf(v.Series);
                string status = target.Exited ? " (exited)" : "";
                double latest = target.Tracks.TryGetValue(key, out SeriesTrack? track) ? track.Latest : double.NaN;
                table.AddRow(
                    new Markup(Markup.Escape(target.Label + status)),
                    new Markup(Markup.Escape(v.Series)),
                    new Markup(Markup.Escape(VerdictText.Value(v.Series, latest))),
                    new Markup(Markup.Escape(_recent.TryGetValue((target, key), out RecentValues? recent) ? Sparkline.Render(recent.Values()) : "")),
                    new Markup($"[{VerdictText.Color(v.Verdict)}]{v.Verdict.ToName()}[/]"),
                    new Markup(Markup.Escape(VerdictText.Rate(v))),
                    new Markup(Markup.Escape(VerdictText.TimeToLimit(v))));
            }
        }

        if (watch.RecentNotices is [.., string newest])
        {
            table.Caption = new TableTitle(Markup.Escape(newest));
        }

        return table;
    }

    /// <summary>The last few values of a series, for its sparkline.</summary>
    private sealed class RecentValues(int length)
    {
        private readonly double[] _ring = new double[length];
        private int _count;

        public void Add(double value) => _ring[_count++ % _ring.Length] = value;

        public double[] Values()
        {
            int n = Math.Min(_count, _ring.Length);
            double[] values = new double[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = _ring[(_count - n + i) % _ring.Length];
            }

            return values;
        }
    }
}
