using System.Text.Json;
using LeakHound.Cli.Commands;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>What a watch ends with besides its verdicts: its exit code, and more to show (a soak's comparison with its base).</summary>
internal sealed record WatchEnding
{
    /// <summary>The exit code from the result: 1 if anything leaks, else 0, unless a command decides otherwise (the demo, a soak).</summary>
    public Func<WatchResult, ExitCode> Decide { get; init; } = r => r.AnyLeak ? ExitCode.Leak : ExitCode.NoLeak;

    /// <summary>More for people, after the verdicts.</summary>
    public Action<IAnsiConsole>? Human { get; init; }

    /// <summary>More properties of the JSON document.</summary>
    public Action<Utf8JsonWriter>? Json { get; init; }

    /// <summary>False keeps the end quiet (the base of a soak run before its candidate).</summary>
    public bool Summary { get; init; } = true;
}

/// <summary>The end of a watch: its exit code, and the final verdicts as tables (with the heap diffs) or as the JSON document.</summary>
internal sealed class WatchSummary(string command, bool json, IAnsiConsole human, WatchEnding ending) : IWatchSink
{
    public ExitCode Code { get; private set; }

    public Task OnEndAsync(WatchResult result)
    {
        Code = ending.Decide(result);
        if (result.StoppedBecause == StopReason.Cancelled && Code is ExitCode.NoLeak or ExitCode.Inconclusive)
        {
            Code = ExitCode.Interrupted; // a watch cut short has not shown there is no leak; a leak found before still says 1
        }

        if (!ending.Summary)
        {
            return Task.CompletedTask;
        }

        if (json)
        {
            JsonStdout.Write(w => WatchResultJson.Write(w, command, result, (int)Code, ending.Json));
            return Task.CompletedTask;
        }

        human.WriteLine();
        foreach (WatchTarget target in result.Targets)
        {
            string how = target.Launched?.ExitDescription is { } d ? $" ({d})" : "";
            string exited = target.ExitedAtSeconds is { } e ? $", ended at {VerdictText.Seconds(e)}{how}" : "";
            string limit = target.Detectors.Limits is { MemoryBytes: { } bytes, MemorySource: var source }
                ? $", memory limit {Quantity.FormatBytes(bytes)} ({source})" : "";
            VerdictTable.Write(human, $"{target.Label}: {VerdictText.Seconds(result.DurationSeconds)} watched{exited}{limit}", result.VerdictsOf(target));
        }

        List<SeriesVerdict> leaks = [.. result.Verdicts.Select(x => x.Verdict).Where(v => v.Verdict == Verdict.Leak)];
        human.MarkupLine(leaks.Count > 0
            ? $"[red bold]LEAK[/]: {leaks.Count} series leaking — " + Markup.Escape(string.Join(", ", leaks.Select(v => $"{v.Target} {v.Series} {VerdictText.Rate(v)}"
                + (v.LeakStoppedAtSeconds is { } stopped ? $" (from {VerdictText.Seconds(v.DetectedAtSeconds ?? 0)} until {VerdictText.Seconds(stopped)}, then stopped)" : ""))))
            : "[green]no leak found[/]" + (result.Verdicts.Any(x => x.Verdict.Verdict == Verdict.Insufficient) ? " (some series need a longer watch: see the reasons above)" : ""));
        ending.Human?.Invoke(human);
        foreach ((WatchTarget target, ExplanationOutcome<Probes.DotNet.Heap.HeapDiffResult> diff) in result.HeapDiffs)
        {
            human.MarkupLine($"[bold]heap diff of {Markup.Escape(target.Label)}[/]");
            if (diff.Result is not null)
            {
                HeapDiffCommand.Write(human, diff.Result);
            }
            else
            {
                human.MarkupLine($"  could not be taken: {Markup.Escape(diff.Error ?? "unknown")}");
            }
        }

        return Task.CompletedTask;
    }
}
