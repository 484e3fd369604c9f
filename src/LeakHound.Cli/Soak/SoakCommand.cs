using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using LeakHound.Cli.Commands;
using LeakHound.Cli.Rendering;
using LeakHound.Cli.Watching;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Proc;
using Spectre.Console;

namespace LeakHound.Cli.Soak;

/// <summary>
/// <c>leakhound soak --target "CMD ARGS"</c>: start the target, wait until it is ready, drive load, watch it, and end
/// with a verdict and an exit code (0 pass, 1 leak, 2 bad input, 3 target failed). With <c>--iterations N</c> the
/// load runs N times and every signal's growth is reported per iteration.
/// </summary>
internal static class SoakCommand
{
    private static readonly Option<string> Target = new("--target") { Description = "The service to start, as one string (split like a shell would, but never run through one)", Required = true };
    private static readonly Option<string?> ReadyUrl = new("--ready-url") { Description = "Wait until this URL answers 2xx before loading (up to 60 s)" };
    private static readonly Option<string?> ReadyAfter = new("--ready-after") { Description = "Or wait this long before loading, e.g. 5s" };
    private static readonly Option<string[]> Load = new("--load") { Description = "HTTP load: [GET] URL", Arity = new ArgumentArity(1, 2), AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string> Rate = new("--rate") { Description = "Requests per second of --load, e.g. 50/s", DefaultValueFactory = _ => "10/s" };
    private static readonly Option<int> Concurrency = new("--concurrency") { Description = "Most --load requests in flight", DefaultValueFactory = _ => 4 };
    private static readonly Option<string?> AbortAfter = new("--abort-after") { Description = "Drop each --load response after this many bytes (clients that disconnect mid-download)" };
    private static readonly Option<bool> AllowRemoteLoad = new("--allow-remote-load") { Description = "Allow --load to a host that is not this machine" };
    private static readonly Option<string?> LoadCmd = new("--load-cmd") { Description = "A command run once per iteration (e.g. a reconnect trigger), never through a shell" };
    private static readonly Option<int?> Iterations = new("--iterations", "-n") { Description = "Run the load N times and report growth per iteration" };
    private static readonly Option<string> Warmup = new("--warmup") { Description = "Load before watching starts (duration mode) or before counting (iteration mode)", DefaultValueFactory = _ => "0s" };
    private static readonly Option<string?> JUnit = new("--junit") { Description = "Write JUnit XML: one test case per signal" };
    private static readonly Option<string?> TargetLog = new("--target-log") { Description = "Write the target's output to this file (default: stderr)" };

    public static Command Create()
    {
        Command command = new("soak", "Start a target, drive load, and fail with a clear verdict if it leaks");
        foreach (Option o in new Option[] { Target, ReadyUrl, ReadyAfter, Load, Rate, Concurrency, AbortAfter, AllowRemoteLoad, LoadCmd, Iterations, Warmup, JUnit, TargetLog })
        {
            command.Options.Add(o);
        }

        WatchOptions.AddTo(command);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        WatchSettings watch = WatchOptions.Read(parse);
        string[] argv = CommandLineSplitter.Split(parse.GetValue(Target)!);
        if (argv.Length == 0) { throw new LeakHoundException("--target is empty"); }
        string[]? loadCmd = parse.GetValue(LoadCmd) is { } lc ? CommandLineSplitter.Split(lc) : null;
        HttpLoad? http = CreateHttpLoad(parse);
        int? iterations = parse.GetValue(Iterations);
        if (iterations is { } n && (n < 8 || (http is null && loadCmd is null)))
        {
            throw new LeakHoundException("--iterations needs at least 8 and a load (--load or --load-cmd)");
        }

        if (iterations is not null && (watch.ReportPath is not null || watch.PngDirectory is not null || watch.ServeEndpoint is not null))
        {
            throw new LeakHoundException("--report, --png and --serve follow a duration-mode soak (--duration); an iteration-mode soak reports growth per iteration (--junit, --format json)");
        }

        double warmup = WatchOptions.ParseDuration(parse.GetValue(Warmup)!, "--warmup");
        double duration = watch.DurationSeconds ?? 300;
        if (iterations is null && duration <= warmup) { throw new LeakHoundException("--duration must be longer than --warmup"); }

        // The soak's whole watch is the evidence: the minimum span is at most half of it, unless given.
        if (parse.GetResult(WatchOptions.MinSpan) is null or { Implicit: true })
        {
            watch = watch with { Detector = watch.Detector with { MinSpanSeconds = Math.Min(300, (duration - warmup) / 2) } };
        }

        IAnsiConsole human = WatchRunner.HumanConsole(watch.Json);
        LaunchedProcess launched = LaunchedProcess.Start(argv, stdoutToStderr: true, parse.GetValue(TargetLog));
        using CancellationTokenSource loadStop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task loadTask = Task.CompletedTask;
        WatchedTarget? target = null;
        try
        {
            await WaitReadyAsync(parse, launched, cancel);
            target = WatchRunner.CreateTarget($"{Path.GetFileName(argv[0])} ({launched.Pid})", launched.Pid, watch, launched);
            {
                if (iterations is { } count)
                {
                    return await RunIterationsAsync(human, watch, target, count, warmup, http, loadCmd, parse.GetValue(JUnit), cancel);
                }

                loadTask = Task.WhenAll(
                    http?.RunAsync(loadStop.Token) ?? Task.CompletedTask,
                    loadCmd is null ? Task.CompletedTask : LoopCommandAsync(loadCmd, loadStop.Token));
                if (warmup > 0)
                {
                    human.MarkupLine($"warming up for {Quantity.FormatDuration(warmup)} under load");
                    await Task.Delay(TimeSpan.FromSeconds(warmup), cancel);
                }

                WatchSettings soakWatch = watch with { DurationSeconds = duration - warmup, UntilVerdict = false };
                int code = await WatchRunner.RunAsync("soak", [target], soakWatch, cancel);
                loadStop.Cancel();
                await loadTask;
                if (parse.GetValue(JUnit) is { } junit)
                {
                    JUnitReport.Write(junit, "leakhound soak", duration, target.Book.Verdicts(final: true).Select(JUnitReport.FromVerdict));
                }

                if (target.Exited)
                {
                    Console.Error.WriteLine($"leakhound: the target exited during the soak (exit code {launched.ExitCode})");
                    return (int)ExitCode.Target;
                }

                return code;
            }
        }
        finally
        {
            // Stop the load, then the target (cleanly), and only then release them.
            loadStop.Cancel();
            await loadTask.WaitAsync(TimeSpan.FromSeconds(30));
            await launched.StopAsync(TimeSpan.FromSeconds(5));
            target?.Dispose();
            launched.Dispose();
            http?.Dispose();
        }
    }

    private static HttpLoad? CreateHttpLoad(ParseResult parse)
    {
        string[]? load = parse.GetValue(Load);
        if (load is null || load.Length == 0)
        {
            return null;
        }

        if (load.Length == 2 && !load[0].Equals("GET", StringComparison.OrdinalIgnoreCase))
        {
            throw new LeakHoundException($"--load: only GET is supported, not '{load[0]}'");
        }

        if (!Uri.TryCreate(load[^1], UriKind.Absolute, out Uri? url))
        {
            throw new LeakHoundException($"--load: '{load[^1]}' is not a URL");
        }

        HttpLoad.Validate(url, parse.GetValue(AllowRemoteLoad));
        string rate = parse.GetValue(Rate)!;
        if (!double.TryParse(rate.Replace("/s", "", StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out double perSecond) || perSecond <= 0 || perSecond > 10_000)
        {
            throw new LeakHoundException($"--rate: '{rate}' is not a rate between 0 and 10000/s (example: 50/s)");
        }

        int concurrency = parse.GetValue(Concurrency);
        if (concurrency is < 1 or > 1000) { throw new LeakHoundException("--concurrency must be between 1 and 1000"); }
        long? abortAfter = null;
        if (parse.GetValue(AbortAfter) is { } a)
        {
            abortAfter = Quantity.TryParseBytes(a, out double bytes) ? (long)bytes : throw new LeakHoundException($"--abort-after: '{a}' is not a size");
        }

        return new HttpLoad(url, perSecond, concurrency, abortAfter);
    }

    private static async Task WaitReadyAsync(ParseResult parse, LaunchedProcess launched, CancellationToken cancel)
    {
        if (parse.GetValue(ReadyUrl) is { } readyUrl)
        {
            using HttpClient http = new() { Timeout = TimeSpan.FromSeconds(2) };
            Stopwatch waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                if (launched.HasExited)
                {
                    throw new LeakHoundException($"the target exited (code {launched.ExitCode}) before it was ready", ExitCode.Target);
                }

                try
                {
                    using HttpResponseMessage r = await http.GetAsync(readyUrl, cancel);
                    if (r.IsSuccessStatusCode)
                    {
                        return;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancel.IsCancellationRequested)
                {
                    // not listening yet
                }

                await Task.Delay(200, cancel);
            }

            throw new LeakHoundException($"the target did not answer {readyUrl} within 60 s", ExitCode.Target);
        }

        if (parse.GetValue(ReadyAfter) is { } after)
        {
            await Task.Delay(TimeSpan.FromSeconds(WatchOptions.ParseDuration(after, "--ready-after")), cancel);
        }

        if (launched.HasExited)
        {
            throw new LeakHoundException($"the target exited (code {launched.ExitCode}) before the soak began", ExitCode.Target);
        }
    }

    /// <summary>Runs the load command over and over (duration mode) until stopped.</summary>
    private static async Task LoopCommandAsync(string[] command, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await RunOnceAsync(command, stop);
        }
    }

    private static async Task RunOnceAsync(string[] command, CancellationToken stop)
    {
        ProcessStartInfo info = new(command[0]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        command.Skip(1).ToList().ForEach(info.ArgumentList.Add);
        Process p;
        try
        {
            p = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new LeakHoundException($"--load-cmd: cannot start '{command[0]}': {e.Message}");
        }

        using (p)
        {
            Task drain = Task.WhenAll(p.StandardOutput.ReadToEndAsync(stop), p.StandardError.ReadToEndAsync(stop));
            try
            {
                await p.WaitForExitAsync(stop);
                await drain;
            }
            catch (OperationCanceledException)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<int> RunIterationsAsync(IAnsiConsole human, WatchSettings watch, WatchedTarget target, int count, double warmupSeconds,
        HttpLoad? http, string[]? loadCmd, string? junit, CancellationToken cancel)
    {
        WatchRunner.AttachScrapers([target], watch);
        Stopwatch clock = Stopwatch.StartNew();
        int warmupIterations = warmupSeconds > 0 ? 0 : Math.Max(1, count / 10);
        Stopwatch warm = Stopwatch.StartNew();
        for (int i = 0; i < warmupIterations || warm.Elapsed.TotalSeconds < warmupSeconds; i++)
        {
            await OneIterationAsync(http, loadCmd, cancel);
        }

        Dictionary<string, List<(double, double)>> points = new(StringComparer.Ordinal);
        for (int i = 0; i <= count && !cancel.IsCancellationRequested; i++)
        {
            if (i > 0)
            {
                await OneIterationAsync(http, loadCmd, cancel);
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Min(watch.IntervalSeconds, 0.2)), cancel); // let the target settle
            foreach ((string series, double value) in await SampleAsync(target, clock.Elapsed.TotalSeconds, cancel))
            {
                if (!points.TryGetValue(series, out List<(double, double)>? list))
                {
                    points[series] = list = [];
                }

                list.Add((i, value));
            }

            if (target.Sampler.AllExited)
            {
                Console.Error.WriteLine("leakhound: the target exited during the soak");
                return (int)ExitCode.Target;
            }
        }

        List<IterationGrowth> growth = points
            .Select(p => IterationGrowth.Of(p.Key, p.Value, watch.Detector.Alpha))
            .OfType<IterationGrowth>()
            .ToList();
        if (junit is not null)
        {
            JUnitReport.Write(junit, "leakhound soak", clock.Elapsed.TotalSeconds, growth.Select(g => (g.Series, g.Leaks, (g.Leaks ? "leak: " : "no leak: ") + g.Describe())));
        }

        bool leaks = growth.Any(g => g.Leaks);
        if (watch.Json)
        {
            using Stream stdout = Console.OpenStandardOutput();
            using (Utf8JsonWriter w = VerdictJson.CreateWriter(stdout))
            {
                w.WriteStartObject();
                w.WriteString("command", "soak");
                w.WriteNumber("iterations", count);
                w.WriteNumber("exit_code", leaks ? 1 : 0);
                w.WriteStartArray("growth");
                foreach (IterationGrowth g in growth)
                {
                    w.WriteStartObject();
                    w.WriteString("series", g.Series);
                    w.WriteString("verdict", g.Leaks ? "leak" : "stable");
                    w.WriteNumber("per_iteration", g.PerIteration);
                    w.WriteStartArray("per_iteration_ci95");
                    w.WriteNumberValue(g.Low);
                    w.WriteNumberValue(g.High);
                    w.WriteEndArray();
                    w.WriteNumber("confidence", Math.Round(g.Confidence, 6));
                    w.WriteNumber("points", g.Points);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            stdout.WriteByte((byte)'\n');
        }
        else
        {
            Table table = new Table().Border(TableBorder.Rounded).Title($"growth per iteration over {count} iterations");
            table.AddColumns("series", "verdict", "growth per iteration (95% CI)");
            foreach (IterationGrowth g in growth.Where(g => !g.Series.Contains('{') || g.Leaks))
            {
                table.AddRow(Markup.Escape(g.Series), g.Leaks ? "[red]leak[/]" : "[green]stable[/]", Markup.Escape(g.Describe()));
            }

            human.Write(table);
        }

        return leaks ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
    }

    private static async Task OneIterationAsync(HttpLoad? http, string[]? loadCmd, CancellationToken cancel)
    {
        if (http is not null)
        {
            await http.RequestOnceAsync(cancel);
        }

        if (loadCmd is not null)
        {
            await RunOnceAsync(loadCmd, cancel);
        }
    }

    /// <summary>One reading of the target's signals (the same as a watch round, without a detector).</summary>
    private static async Task<List<KeyValuePair<string, double>>> SampleAsync(WatchedTarget target, double t, CancellationToken cancel)
    {
        TreeSnapshot snap = target.Sampler.Sample(readPss: false);
        List<KeyValuePair<string, double>> values = [new("rss", snap.Rss), new("threads", snap.Threads), new("procs", snap.ProcessCount)];
        if (snap.Anon is { } anon) { values.Add(new("anon", anon)); }
        if (snap.Fds is { } fds) { values.Add(new("fds", fds)); }
        foreach (LeakHound.Probes.Prometheus.MetricsScraper scraper in target.Scrapers)
        {
            LeakHound.Probes.Prometheus.ScrapeResult r = await scraper.ScrapeAsync(t, cancel);
            values.AddRange(r.Values.Where(v => !v.Key.StartsWith("rate(", StringComparison.Ordinal)));
        }

        return values;
    }
}
