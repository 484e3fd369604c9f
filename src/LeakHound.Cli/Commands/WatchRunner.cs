using LeakHound.Cli.Rendering;
using LeakHound.Reporting;
using LeakHound.Store;
using LeakHound.Watching;
using LeakHound.Watching.Sinks;
using LeakHound.Web;
using Spectre.Console;

namespace LeakHound.Cli.Commands;

/// <summary>
/// Runs a watch the command line asked for: its outputs become the engine's sinks (trace file, history, dashboard,
/// rules, heap diffs, report, the live view, notices, the final verdicts), then one call to the engine; the exit code
/// comes from its result.
/// </summary>
internal static class WatchRunner
{
    /// <param name="request">The watch and its outputs.</param>
    /// <param name="targets">What to watch (the caller disposes them).</param>
    /// <param name="cancel">Ctrl-C.</param>
    /// <param name="ending">The exit code and anything more to show at the end.</param>
    /// <param name="extraSinks">More outputs (a soak's JUnit), after the final verdicts are shown.</param>
    /// <param name="time">The clock: the system's, or a replay's.</param>
    /// <param name="startAt">Where the watch's time line starts (a replay: its trace's first sample).</param>
    /// <exception cref="WatchException">An output cannot be opened (exit 2), before anything is watched.</exception>
    public static async Task<int> RunAsync(WatchRequest request, IReadOnlyList<WatchTarget> targets, CancellationToken cancel,
        WatchEnding? ending = null, IEnumerable<IWatchSink>? extraSinks = null, TimeProvider? time = null, double startAt = 0)
    {
        ending ??= new WatchEnding();
        IAnsiConsole human = HumanConsole.Create(request.Json);
        List<IWatchSink> sinks = [];
        using TraceFileSink? trace = request.OutPath is { } path ? TraceFileSink.Open(path) : null;
        using StoreSink? store = request.Store is { } s
            ? StoreSink.Open(request.Command, targets, s, request.Watch.IntervalSeconds, Warn)
            : null;
        await using DashboardServer? dashboard = await StartDashboardAsync(request, cancel);
        sinks.AddRange(new IWatchSink?[]
        {
            trace,
            store,
            dashboard is null ? null : new LiveStoreSink(dashboard.Store),
            request.Rules is { Count: > 0 } rules ? new RuleActionSink(rules) : null,
            request.Watch.ExplainOnLeak ? new ExplainOnLeakSink() : null,
            request.ReportPath is null && request.PngDirectory is null ? null
                : new ReportSink(request.ReportPath, request.PngDirectory, $"{request.Command} {string.Join(", ", targets.Select(t => t.Label))}"),
        }.OfType<IWatchSink>());
        (IWatchSink? view, Func<bool> showing) = ChooseView(request, human, time is Watching.Replay.ReplayClock);
        if (view is not null)
        {
            sinks.Add(view);
        }

        sinks.Add(new NoticePrinter(Console.Error, showing));
        WatchSummary summary = new(request.Command, request.Json, human, ending);
        sinks.Add(summary);
        sinks.AddRange(extraSinks ?? []); // after the summary: a file that cannot be written loses no verdict on the terminal

        WatchEngine engine = new(targets, request.Watch, sinks, time) { StartAt = store is { StartAt: > 0 } ? store.StartAt : startAt, Marks = store?.Marks ?? [] };
        await engine.RunAsync(cancel);
        if (dashboard is not null && time is Watching.Replay.ReplayClock && !cancel.IsCancellationRequested)
        {
            // A replay is over in a moment: its dashboard stays up for people (and scripts) to look at it.
            Warn($"replay done; the dashboard at {dashboard.Url} stays up until Ctrl-C");
            await Task.Delay(Timeout.Infinite, cancel).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return (int)summary.Code;
    }

    private static void Warn(string message) => Console.Error.WriteLine($"leakhound: {message}");

    /// <summary>A live table (or a soak's progress bar) on a terminal; periodic lines otherwise; nothing for JSON on a pipe or a replay.</summary>
    private static (IWatchSink? View, Func<bool> Showing) ChooseView(WatchRequest request, IAnsiConsole human, bool replay)
    {
        if (replay)
        {
            return (null, () => false);
        }

        if (HumanConsole.IsLive(human, request.Json))
        {
            if (request.Command == "soak" && request.Watch.DurationSeconds is { } d)
            {
                SoakProgressView progress = new(human, d);
                return (progress, () => progress.Showing);
            }

            LiveTableView table = new(human);
            return (table, () => table.Showing);
        }

        return request.Json ? (null, () => false) : (new PlainLinesView(Console.Out, Math.Max(5, request.Watch.IntervalSeconds)), () => false);
    }

    private static async Task<DashboardServer?> StartDashboardAsync(WatchRequest request, CancellationToken cancel)
    {
        if (request.ServeEndpoint is not { } endpoint)
        {
            return null;
        }

        try
        {
            DashboardServer server = await DashboardServer.StartAsync(new LiveStore(), endpoint, request.Token, cancel);
            string query = request.Token is null ? "" : "?token=…";
            Warn($"dashboard at {server.Url}{query} (API: /api/targets, /api/verdicts, /api/series/ID; Prometheus: /metrics)");
            return server;
        }
        catch (ArgumentException e)
        {
            throw new LeakHoundException($"--serve: {e.Message}");
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            throw new LeakHoundException($"--serve: cannot listen on {endpoint}: {e.Message}");
        }
    }
}
