using System.CommandLine;
using System.Globalization;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;
using LeakHound.Watching.Launch;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound demo</c> (exit 0 when each demo target gets its expected verdict): starts three built-in targets (a leak like the WAV broadcaster incident, a heavy but healthy
/// sawtooth, a cache warming up to a plateau), watches them side by side and ends with their verdicts. The targets run
/// at about 10× the pace of a real service, so the demo uses a 20 s minimum span instead of the default 5 minutes, and
/// counts growth under its level a minute (over an hour's horizon) as negligible: in seconds nothing finer is bounded.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<string> Duration = new("--duration", "-d") { Description = "Longest the demo may run", DefaultValueFactory = _ => "90s" };

    public static Command Create()
    {
        Command command = new("demo", "Watch three built-in demo targets (leak, sawtooth, plateau) side by side");
        command.Options.Add(Duration);
        command.Options.Add(CommonOptions.Format);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        bool json = CommonOptions.Json(parse);
        double duration = CommonOptions.ParseDuration(parse.GetValue(Duration)!, "--duration");
        WatchSettings settings = new()
        {
            IntervalSeconds = 0.25,
            DurationSeconds = duration,
            UntilVerdict = true,
            Detector = DetectorOptions.Default with { MinSpanSeconds = 20, NegligibleGrowthPerHour = 60, HealthyHorizonSeconds = 3600 },
            // At the demo's 20 s span a young runtime's GC heap, still growing towards its first collections, would
            // distract from the three shapes the demo is about.
            RuntimeCounters = false,
        };

        (string Kind, string[] Args)[] demos =
        [
            ("leak", ["--bytes-per-tick", "262144"]),
            ("sawtooth", ["--bytes-per-tick", "1048576", "--period", "30"]),
            ("plateau", ["--bytes-per-tick", "262144", "--period", "100"]),
        ];
        List<WatchTarget> targets = [];
        try
        {
            foreach ((string kind, string[] args) in demos)
            {
                string[] argv = [.. SelfCommand(), "demo-target", kind, "--tick", "0.1", "--max-seconds", (duration + 30).ToString(CultureInfo.InvariantCulture), .. args];
                LaunchedProcess launched = LaunchedProcess.Start(argv, stdoutToStderr: true, logPath: null);
                targets.Add(WatchTarget.ForProcess($"demo {kind}", launched.Pid, settings, launched));
            }

            WatchRequest request = new() { Command = "demo", Watch = settings, Json = json };
            return await WatchRunner.RunAsync(request, targets, cancel,
                new WatchEnding { Decide = r => DemoVerdictsAsExpected(r) ? ExitCode.NoLeak : ExitCode.Leak });
        }
        finally
        {
            foreach (WatchTarget t in targets)
            {
                if (t.Launched is { } l)
                {
                    await l.StopAsync(TimeSpan.FromSeconds(2));
                }

                t.Dispose();
            }
        }
    }

    /// <summary>The demo succeeds when the leaking target is called a leak and the healthy ones are not.</summary>
    private static bool DemoVerdictsAsExpected(WatchResult result)
    {
        bool ok = true;
        foreach (WatchTarget t in result.Targets)
        {
            bool leaks = result.VerdictsOf(t).Any(v => v.Series == "rss" && v.Verdict == Verdict.Leak);
            bool expected = t.Label.EndsWith("leak", StringComparison.Ordinal);
            if (leaks != expected)
            {
                Console.Error.WriteLine($"leakhound demo: '{t.Label}' was {(leaks ? "" : "not ")}called a leak; expected the opposite");
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>How to start this same program again: the apphost directly, or <c>dotnet leakhound.dll</c>.</summary>
    internal static string[] SelfCommand()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        if (Path.GetFileNameWithoutExtension(host) != "dotnet")
        {
            return [host];   // the apphost, or the single-file leakhound, which has no .dll beside it
        }

        // Assembly.Location is empty inside a single file; under 'dotnet' the .dll sits in the base directory.
        string assembly = Path.Combine(AppContext.BaseDirectory, typeof(DemoCommand).Assembly.GetName().Name + ".dll");
        return [host, assembly];
    }
}
