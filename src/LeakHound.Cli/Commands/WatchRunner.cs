using LeakHound.Cli.Rules;
using LeakHound.Cli.Rendering;
using LeakHound.Cli.Watching;
using LeakHound.Core.Signals;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Cgroups;
using LeakHound.Probes.Proc;
using Spectre.Console;

namespace LeakHound.Cli.Commands;

/// <summary>Runs a watch over prepared targets and turns its verdicts into output and an exit code.</summary>
internal static class WatchRunner
{
    /// <summary>Creates a target for a process tree, with its limits resolved.</summary>
    public static WatchedTarget CreateTarget(string label, int pid, WatchSettings settings, LaunchedProcess? launched)
    {
        ProcessTreeSampler sampler;
        try
        {
            sampler = new ProcessTreeSampler([pid], settings.IncludeChildren);
        }
        catch (ProcessNotFoundException e)
        {
            throw new LeakHoundException(e.Message, ExitCode.Target);
        }

        MemoryLimit memory = settings.LimitBytes is { } l ? new MemoryLimit(l, "--limit") : MemoryLimits.ForProcess(pid);
        double? fds = FdLimit.ForProcess(pid);
        FullCollections fullCollections = new();
        SignalBook book = new(settings.Detector, s => SignalBook.LimitFor(s, memory.Bytes, fds))
        {
            EvidenceFor = fullCollections.EvidenceFor,
        };
        return new WatchedTarget(label, sampler, book, launched) { MemoryLimitSource = memory, RootPid = pid, FullCollections = fullCollections };
    }

    /// <summary>Attaches the --metrics-url endpoints to the first target (the one launched, or the first --pid).</summary>
    public static void AttachScrapers(IReadOnlyList<WatchedTarget> targets, WatchSettings settings)
    {
        if (targets.Count == 0 || settings.MetricsUrls.Count == 0)
        {
            return;
        }

        Func<string, bool>? filter = SeriesMatcher.From([.. settings.MetricPatterns]);
        TimeSpan timeout = TimeSpan.FromSeconds(Math.Clamp(settings.IntervalSeconds * 0.8, 0.2, 10));
        foreach (Uri url in settings.MetricsUrls)
        {
            targets[0].Scrapers.Add(new LeakHound.Probes.Prometheus.MetricsScraper(url, timeout, filter));
        }
    }

    /// <param name="command">The command's name, for the JSON document.</param>
    /// <param name="targets">What to watch.</param>
    /// <param name="settings">How to watch.</param>
    /// <param name="cancel">Ctrl-C.</param>
    /// <param name="decide">The exit code from the final state, when it is not "1 if anything leaks" (the demo's, a soak's).</param>
    /// <param name="extra">More to show at the end, on the terminal and as properties of the JSON document (a soak's comparison with its base).</param>
    /// <param name="summary">False to keep the end quiet (the base of a soak run before its candidate).</param>
    public static async Task<int> RunAsync(string command, IReadOnlyList<WatchedTarget> targets, WatchSettings settings, CancellationToken cancel,
        Func<IReadOnlyList<WatchedTarget>, ExitCode>? decide = null, (Action<IAnsiConsole> Human, Action<System.Text.Json.Utf8JsonWriter> Json)? extra = null, bool summary = true)
    {
        IAnsiConsole human = HumanConsole(settings.Json);
        string? tracePath = settings.OutPath ?? (settings.ReportPath is null && settings.PngDirectory is null ? null : Path.Combine(Path.GetTempPath(), $"leakhound-{Guid.NewGuid():N}.csv"));
        using SafeTraceWriter? writer = tracePath is { } path ? SafeTraceWriter.Open(path, Console.Error) : null;
        AttachScrapers(targets, settings);
        IWatchView view = ChooseView(command, settings, human);
        bool live = view is LiveTableView or SoakProgressView;
        await using LeakHound.Web.DashboardServer? dashboard = await StartDashboardAsync(settings, targets, cancel);
        StoreSink? store = settings.StorePath is null ? null : StoreSink.Open(command, targets, settings);
        using LeakHound.Store.WatchStore? storeFile = store?.Store;
        WatchSession session = new(targets, settings, writer, message =>
        {
            if (!live)
            {
                Console.Error.WriteLine($"leakhound: {message}");
            }
        })
        {
            StartAt = store?.StartAt ?? 0,
        };
        if (store is not null)
        {
            session.Sinks.Add(store);
        }

        if (dashboard is not null)
        {
            session.Sinks.Add(new LiveStoreSink(dashboard.Store, targets));
        }

        RuleRunner? rules = settings.Rules is { Count: > 0 } ruleList ? new RuleRunner(ruleList, session) : null;
        if (rules is not null)
        {
            session.Sinks.Add(rules);
        }

        try
        {
            await view.RunAsync(session, cancel);
        }
        finally
        {
            foreach (WatchedTarget target in targets)
            {
                if (target.Launched is { } launched)
                {
                    await launched.StopAsync(TimeSpan.FromSeconds(5));
                }
            }
        }

        store?.Store.End(session.StoppedBecause?.ToString().ToLowerInvariant() ?? "cancelled");
        if (rules is not null)
        {
            await rules.WaitForActionsAsync(TimeSpan.FromSeconds(30));
        }

        Dictionary<WatchedTarget, HeapDiffResult?> heapDiffs = await CollectHeapDiffsAsync(targets);
        if (settings.ReportPath is not null || settings.PngDirectory is not null)
        {
            writer!.Dispose(); // flushed: the report reads the whole trace
            ReportCommand.WriteFromTrace(tracePath!, settings.ReportPath, settings.PngDirectory, settings.Detector, settings.LimitBytes ?? targets[0].MemoryLimitSource?.Bytes,
                $"{command} {string.Join(", ", targets.Select(t => t.Label))}",
                [.. heapDiffs.Where(d => d.Value is not null).Select(d => ReportCommand.Table(d.Key.Label, d.Value!))]);
            if (settings.OutPath is null)
            {
                File.Delete(tracePath!);
            }
        }

        List<(WatchedTarget Target, SeriesVerdict Verdict)> verdicts = targets
            .SelectMany(t => t.Book.Verdicts(final: true).Select(v => (t, v)))
            .ToList();
        ExitCode code = decide?.Invoke(targets) ?? (verdicts.Any(x => x.Verdict.Verdict == Verdict.Leak) ? ExitCode.Leak : ExitCode.NoLeak);
        if (!summary)
        {
            return (int)code;
        }

        if (settings.Json)
        {
            WriteJson(command, session, verdicts, code, heapDiffs, extra?.Json);
        }
        else
        {
            WriteSummary(human, session, verdicts);
            extra?.Human(human);
            foreach ((WatchedTarget target, HeapDiffResult? diff) in heapDiffs)
            {
                human.MarkupLine($"[bold]heap diff of {Markup.Escape(target.Label)}[/]");
                if (diff is not null)
                {
                    HeapDiffCommand.Write(human, diff);
                }
                else
                {
                    human.MarkupLine("  could not be taken (see above)");
                }
            }
        }

        return (int)code;
    }

    private static async Task<LeakHound.Web.DashboardServer?> StartDashboardAsync(WatchSettings settings, IReadOnlyList<WatchedTarget> targets, CancellationToken cancel)
    {
        if (settings.ServeEndpoint is not { } endpoint)
        {
            return null;
        }

        try
        {
            LeakHound.Web.DashboardServer server = await LeakHound.Web.DashboardServer.StartAsync(new LeakHound.Web.LiveStore(), endpoint, settings.Token, cancel);
            string query = settings.Token is null ? "" : "?token=…";
            Console.Error.WriteLine($"leakhound: dashboard at {server.Url}{query} (API: /api/targets, /api/verdicts, /api/series/ID; Prometheus: /metrics)");
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

    /// <summary>Waits (up to a minute) for automatic heap diffs still running when the watch ended.</summary>
    private static async Task<Dictionary<WatchedTarget, HeapDiffResult?>> CollectHeapDiffsAsync(IReadOnlyList<WatchedTarget> targets)
    {
        Dictionary<WatchedTarget, HeapDiffResult?> results = [];
        foreach (WatchedTarget target in targets)
        {
            if (target.HeapDiff is not { } task)
            {
                continue;
            }

            try
            {
                results[target] = await task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            catch (Exception e) when (e is LeakHoundException or TimeoutException or OperationCanceledException)
            {
                Console.Error.WriteLine($"leakhound: heap diff of {target.Label} failed: {e.Message}");
                results[target] = null;
            }
        }

        return results;
    }

    private static IWatchView ChooseView(string command, WatchSettings settings, IAnsiConsole human)
    {
        bool interactive = settings.Json ? !Console.IsErrorRedirected : !Console.IsOutputRedirected;
        if (interactive && human.Profile.Capabilities.Interactive)
        {
            return command == "soak" && settings.DurationSeconds is { } d ? new SoakProgressView(human, d) : new LiveTableView(human);
        }

        return settings.Json ? new SilentView() : new PlainLinesView(Console.Out, Math.Max(5, settings.IntervalSeconds));
    }

    /// <summary>
    /// Where people read: stdout normally, stderr when stdout carries JSON. Redirected output (a file, a CI log) is as
    /// wide as <c>COLUMNS</c> says, else 160 columns: a log has no terminal to wrap for, and a table cut at 80 columns
    /// breaks words apart.
    /// </summary>
    public static IAnsiConsole HumanConsole(bool json)
    {
        bool redirected = json ? Console.IsErrorRedirected : Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(json ? Console.Error : Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out int columns) && columns is >= 40 and <= 1000 ? columns : 160;
        }

        return console;
    }

    private static void WriteSummary(IAnsiConsole console, WatchSession session, List<(WatchedTarget Target, SeriesVerdict Verdict)> verdicts)
    {
        console.WriteLine();
        foreach (WatchedTarget target in session.Targets)
        {
            string exited = target.ExitedAtSeconds is { } e ? $", exited at {VerdictText.Seconds(e)}" : "";
            string limit = target.MemoryLimitSource is { } m ? $", memory limit {Quantity.FormatBytes(m.Bytes)} ({m.Source})" : "";
            VerdictTable.Write(console, $"{target.Label}: {VerdictText.Seconds(session.ElapsedSeconds)} watched{exited}{limit}",
                verdicts.Where(x => x.Target == target).Select(x => x.Verdict));
        }

        int leaks = verdicts.Count(x => x.Verdict.Verdict == Verdict.Leak);
        console.MarkupLine(leaks > 0
            ? $"[red bold]LEAK[/]: {leaks} series leaking — " + Markup.Escape(string.Join(", ", verdicts.Where(x => x.Verdict.Verdict == Verdict.Leak).Select(x => $"{x.Target.Label} {x.Verdict.Series} {VerdictText.Rate(x.Verdict)}"
                + (x.Verdict.LeakStoppedAtSeconds is { } stopped ? $" (from {VerdictText.Seconds(x.Verdict.DetectedAtSeconds ?? 0)} until {VerdictText.Seconds(stopped)}, then stopped)" : ""))))
            : "[green]no leak found[/]" + (verdicts.Any(x => x.Verdict.Verdict == Verdict.Insufficient) ? " (some series need a longer watch: see the reasons above)" : ""));
    }

    private static void WriteJson(string command, WatchSession session, List<(WatchedTarget Target, SeriesVerdict Verdict)> verdicts, ExitCode code,
        Dictionary<WatchedTarget, HeapDiffResult?> heapDiffs, Action<System.Text.Json.Utf8JsonWriter>? extra)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using System.Text.Json.Utf8JsonWriter w = VerdictJson.CreateWriter(stdout);
        w.WriteStartObject();
        w.WriteString("command", command);
        w.WriteNumber("duration_seconds", Math.Round(session.ElapsedSeconds, 3));
        w.WriteString("stopped_because", session.StoppedBecause?.ToString().ToLowerInvariant());
        w.WriteNumber("exit_code", (int)code);
        w.WriteStartArray("targets");
        foreach (WatchedTarget t in session.Targets)
        {
            w.WriteStartObject();
            w.WriteString("label", t.Label);
            w.WriteNumber("max_processes", t.MaxProcesses);
            if (t.ExitedAtSeconds is { } e) { w.WriteNumber("exited_at_seconds", e); } else { w.WriteNull("exited_at_seconds"); }
            if (t.Launched?.ExitCode is { } x) { w.WriteNumber("target_exit_code", x); } else { w.WriteNull("target_exit_code"); }
            if (t.MemoryLimitSource is { } m)
            {
                w.WriteNumber("memory_limit_bytes", m.Bytes);
                w.WriteString("memory_limit_source", m.Source);
            }

            if (heapDiffs.TryGetValue(t, out HeapDiffResult? diff))
            {
                w.WritePropertyName("heap_diff");
                if (diff is null)
                {
                    w.WriteNullValue();
                }
                else
                {
                    w.WriteStartObject();
                    w.WriteNumber("started_at_seconds", t.HeapDiffStartedAt ?? 0);
                    HeapDiffJson.Write(w, diff);
                    w.WriteEndObject();
                }
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("verdicts");
        foreach ((WatchedTarget target, SeriesVerdict verdict) in verdicts)
        {
            VerdictJson.WriteVerdict(w, verdict, target.Label);
        }

        w.WriteEndArray();
        extra?.Invoke(w);
        w.WriteEndObject();
        w.Flush();
        stdout.WriteByte((byte)'\n');
    }
}
