using System.CommandLine;
using System.Text.Json;
using LeakHound.Cli.Commands;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Detection;
using LeakHound.Core.Statistics;
using LeakHound.Core.Units;
using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Go;
using LeakHound.Watching;
using Spectre.Console;

namespace LeakHound.Cli.Soak;

/// <summary>
/// <c>leakhound soak --target "CMD ARGS"</c>: start the target, wait until it is ready, drive load, watch it, and end
/// with a verdict and an exit code (0 pass, 1 leak, 2 bad input, 3 target failed, 4 inconclusive). With
/// <c>--iterations N</c> the load runs N times and every signal's growth is reported per iteration. With
/// <c>--baseline "CMD"</c> the base build runs under the same load too, and the soak fails on the candidate's excess
/// growth over its base.
/// </summary>
internal static class SoakCommand
{
    private static readonly SoakOptions Options = new();

    public static Command Create()
    {
        Command command = new("soak", "Start a target, drive load, and fail with a clear verdict if it leaks (or leaks more than its --baseline)");
        foreach (Option o in Options.All)
        {
            command.Options.Add(o);
        }

        WatchOptions.AddTo(command);
        command.SetAction((parse, cancel) => RunAsync(SoakSettings.Read(parse, Options), cancel));
        return command;
    }

    private static async Task<int> RunAsync(SoakSettings s, CancellationToken cancel)
    {
        IAnsiConsole human = HumanConsole.Create(s.Watch.Json);
        return s.Iterations is not null ? await IterationsAsync(s, human, cancel) : await DurationAsync(s, human, cancel);
    }

    /// <summary>Duration mode: the candidate (and its base: side by side, or first) watched under load for --duration.</summary>
    private static async Task<int> DurationAsync(SoakSettings s, IAnsiConsole human, CancellationToken cancel)
    {
        // The services scrape their own endpoints (each on its own port): the request's own endpoints are not used.
        WatchRequest watch = s.Watch with
        {
            Watch = s.Watch.Watch with { DurationSeconds = s.DurationSeconds - s.WarmupSeconds, UntilVerdict = false, MetricsUrls = [] },
        };
        List<SoakService> services = [];
        SoakService? baseService = null;
        try
        {
            if (s.Baseline is { } baseline && !s.SideBySide)
            {
                // One after the other, on the same ports: the base first, quietly. Its detectors keep what it showed.
                await using SoakService first = await StartLoadedAsync(s, "base", baseline, null, human, cancel);
                baseService = first;
                WatchRequest quiet = watch with { ReportPath = null, PngDirectory = null, ServeEndpoint = null, OutPath = null, Store = null, Rules = null };
                await WatchRunner.RunAsync(quiet, [first.Target], cancel, new WatchEnding { Summary = false });
            }

            int[] ports = s.SideBySide ? FreePorts(2) : [];
            List<SoakService> watched = [];
            if (s.Baseline is { } sideBase && s.SideBySide)
            {
                watched.Add(await StartLoadedAsync(s, "base", sideBase, ports[0], human, cancel));
            }

            watched.Add(await StartLoadedAsync(s, "candidate", s.Target, s.SideBySide ? ports[1] : null, human, cancel));
            services.AddRange(watched);
            if (s.WarmupSeconds > 0)
            {
                human.MarkupLine($"warming up for {Quantity.FormatDuration(s.WarmupSeconds)} under load");
                await Task.Delay(TimeSpan.FromSeconds(s.WarmupSeconds), cancel);
            }

            SoakService candidate = watched[^1];
            baseService ??= s.SideBySide ? watched[0] : null;
            // The comparison is made once, for the exit code, the summary and the JUnit file alike.
            Lazy<IReadOnlyList<GrowthComparison>> comparisons = new(() => baseService is null ? [] : Compare(baseService.Target.Detectors, candidate.Target.Detectors));
            WatchEnding ending = new()
            {
                Decide = result => baseService is null ? SoakOutcome.Of(result.VerdictsOf(candidate.Target)) : ComparisonOutput.Outcome(comparisons.Value),
                Human = s.Baseline is null ? null
                    : h => ComparisonOutput.WriteTable(h, "candidate against its base, under the same load", comparisons.Value, ComparisonOutput.PerMinute),
                Json = s.Baseline is null ? null : w => ComparisonOutput.WriteJson(w, comparisons.Value, "second"),
            };
            IWatchSink[] junit = s.JUnitPath is { } path
                ? [new JUnitSink(path, "leakhound soak", s.WarmupSeconds, result => baseService is null
                    ? result.VerdictsOf(candidate.Target).Select(JUnitReport.FromVerdict)
                    : ComparisonOutput.JUnitCases(comparisons.Value))]
                : [];
            int code = await WatchRunner.RunAsync(watch, [.. watched.Select(w => w.Target)], cancel, ending, junit);
            foreach (SoakService service in watched)
            {
                await service.StopLoadAsync();
            }

            if (s.Baseline is null && SoakOutcome.Explain(candidate.Target.Detectors.Verdicts(final: true)) is { } outcome)
            {
                Console.Error.WriteLine($"leakhound: {outcome}");
            }

            if (watched.FirstOrDefault(w => w.Target.Exited) is { } exited)
            {
                Console.Error.WriteLine($"leakhound: the {exited.Role} exited during the soak (exit code {exited.Launched.ExitCode})");
                return (int)ExitCode.Target;
            }

            return code;
        }
        finally
        {
            foreach (SoakService service in services)
            {
                await service.DisposeAsync();
            }
        }
    }

    private static async Task<SoakService> StartLoadedAsync(SoakSettings s, string role, string[] argv, int? port, IAnsiConsole human, CancellationToken cancel)
    {
        SoakService service = await SoakService.StartAsync(s, role, argv, port, cancel);
        if (s.Baseline is not null)
        {
            human.MarkupLine(Markup.Escape($"{role}: {string.Join(' ', s.Fill(argv, port))} (pid {service.Launched.Pid})"));
        }

        service.StartLoad();
        return service;
    }

    /// <summary>Iteration mode: the base's iterations first (when given), then the candidate's, the same load each.</summary>
    private static async Task<int> IterationsAsync(SoakSettings s, IAnsiConsole human, CancellationToken cancel)
    {
        SoakIterations.Readings? baseline = null;
        if (s.Baseline is { } baseArgv)
        {
            int? basePort = s.SideBySide ? FreePorts(1)[0] : null;
            await using SoakService baseService = await SoakService.StartAsync(s, "base", baseArgv, basePort, cancel);
            baseline = await SoakIterations.RunAsync(baseService, s, cancel);
            if (baseline.TargetExited)
            {
                Console.Error.WriteLine("leakhound: the base exited during the soak");
                return (int)ExitCode.Target;
            }
        }

        int? port = s.SideBySide ? FreePorts(1)[0] : null;
        await using SoakService service = await SoakService.StartAsync(s, "candidate", s.Target, port, cancel);
        SoakIterations.Readings readings = await SoakIterations.RunAsync(service, s, cancel);
        if (readings.TargetExited)
        {
            Console.Error.WriteLine("leakhound: the target exited during the soak");
            return (int)ExitCode.Target;
        }

        List<SeriesGrowth> growth = readings.Growth(s.Watch.Watch.Detector.Alpha);
        IReadOnlyList<GrowthComparison> comparisons = baseline is null ? [] : Compare(baseline, readings, s.Watch.Watch.Detector.Alpha);
        ExitCode code = baseline is null ? (growth.Any(g => g.Leaks) || readings.Goroutines.Count > 0 ? ExitCode.Leak : ExitCode.NoLeak) : ComparisonOutput.Outcome(comparisons);
        if (readings.GoroutinesError is { } notRead)
        {
            Console.Error.WriteLine($"leakhound: the goroutines were not read: {notRead}");
        }
        if (s.JUnitPath is { } junit)
        {
            JUnitReport.Write(junit, "leakhound soak", readings.Seconds, baseline is null
                ? growth.Select(g => (g.Series, g.Leaks ? "leak" : (string?)null, (g.Leaks ? "leak: " : "no leak: ") + g.Describe()))
                : ComparisonOutput.JUnitCases(comparisons));
        }

        if (s.Watch.Json)
        {
            WriteIterationsJson(s.Iterations!.Value, growth, comparisons, baseline is not null, code, readings.Goroutines);
        }
        else
        {
            Table table = new Table().Border(TableBorder.Rounded).Title($"growth per iteration over {s.Iterations} iterations");
            table.AddColumns("series", "verdict", "growth per iteration (95% CI)");
            foreach (SeriesGrowth g in growth.Where(g => !g.Series.Contains('{') || g.Leaks))
            {
                table.AddRow(Markup.Escape(g.Series), g.Leaks ? "[red]leak[/]" : "[green]stable[/]", Markup.Escape(g.Describe()));
            }

            human.Write(table);
            if (readings.Goroutines.Count > 0)
            {
                Table stacks = new Table().Border(TableBorder.Rounded).Title("goroutine stacks that grew in both halves of the soak");
                stacks.AddColumns("blocked in", "state", "created by", "goroutines", "per iteration");
                foreach (GoroutineGrowth g in readings.Goroutines)
                {
                    stacks.AddRow(Markup.Escape(g.Stack.Blocked?.ToString() ?? "?"), Markup.Escape(g.Stack.State), Markup.Escape(g.Stack.CreatedBy?.ToString() ?? "–"),
                        Markup.Escape(string.Join(" → ", g.Counts)), Markup.Escape($"+{g.PerSecond:0.###}"));
                }

                human.Write(stacks);
            }

            if (baseline is not null)
            {
                ComparisonOutput.WriteTable(human, "candidate against its base, per iteration", comparisons, ComparisonOutput.PerIteration);
            }
        }

        return (int)code;
    }

    private static void WriteIterationsJson(int count, List<SeriesGrowth> growth, IReadOnlyList<GrowthComparison> comparisons, bool compared, ExitCode code,
        IReadOnlyList<GoroutineGrowth> goroutines)
    {
        JsonStdout.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("command", "soak");
            w.WriteNumber("iterations", count);
            w.WriteNumber("exit_code", (int)code);
            w.WriteStartArray("growth");
            foreach (SeriesGrowth g in growth)
            {
                w.WriteStartObject();
                w.WriteString("series", g.Series);
                w.WriteString("verdict", g.Leaks ? "leak" : "stable");
                w.WriteNumber("per_iteration", g.Growth.PerIteration);
                w.WriteStartArray("per_iteration_ci95");
                w.WriteNumberValue(g.Growth.Low);
                w.WriteNumberValue(g.Growth.High);
                w.WriteEndArray();
                w.WriteNumber("confidence", Math.Round(g.Growth.Confidence, 6));
                w.WriteNumber("points", g.Growth.Points);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartArray("goroutine_growth");
            foreach (GoroutineGrowth g in goroutines)
            {
                w.WriteStartObject();
                w.WriteString("what", g.Stack.Blocked?.Function ?? "?");
                w.WriteString("where", g.Stack.Blocked?.Location ?? "?");
                w.WriteString("state", g.Stack.State);
                if (g.Stack.CreatedBy is { } c) { w.WriteString("created_by", c.ToString()); } else { w.WriteNull("created_by"); }
                w.WriteStartArray("counts");
                foreach (int n in g.Counts)
                {
                    w.WriteNumberValue(n);
                }

                w.WriteEndArray();
                w.WriteNumber("per_iteration", Math.Round(g.PerSecond, 4));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            if (compared)
            {
                ComparisonOutput.WriteJson(w, comparisons, "iteration");
            }

            w.WriteEndObject();
        });
    }

    /// <summary>The common resource series of both runs (the trees as a whole), floor against floor.</summary>
    private static List<GrowthComparison> Compare(DetectorSet baseline, DetectorSet candidate)
    {
        Dictionary<string, SeriesKey> baseKeys = baseline.Keys.Where(k => k.IsTreeLevel).ToDictionary(k => k.Name, StringComparer.Ordinal);
        return [.. candidate.Keys.Where(k => k.IsTreeLevel && baseKeys.ContainsKey(k.Name))
            .Select(k => GrowthComparer.Compare(baseline[baseKeys[k.Name]], candidate[k], candidate.Options))];
    }

    /// <summary>The common series of both runs, growth per iteration against growth per iteration.</summary>
    private static List<GrowthComparison> Compare(SoakIterations.Readings baseline, SoakIterations.Readings candidate, double alpha) =>
        [.. candidate.Points.Keys.Where(s => baseline.Points.ContainsKey(s) && !s.Contains('{'))
            .Select(s => GrowthComparer.Compare(s, SeriesGrowth.Of(s, baseline.Points[s], alpha)?.Growth.AsTrend(), SeriesGrowth.Of(s, candidate.Points[s], alpha)?.Growth.AsTrend(),
                SeriesGrowth.MinimumEffect(s), v => ComparisonOutput.PerIteration(s, v)))];

    /// <summary>Loopback ports free a moment ago, for services that are told their port with {port}.</summary>
    private static int[] FreePorts(int count)
    {
        List<System.Net.Sockets.TcpListener> probes = [];
        try
        {
            for (int i = 0; i < count; i++)
            {
                System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0);
                probe.Start();
                probes.Add(probe);
            }

            return [.. probes.Select(p => ((System.Net.IPEndPoint)p.LocalEndpoint).Port)];
        }
        finally
        {
            probes.ForEach(p => p.Stop());
        }
    }
}
