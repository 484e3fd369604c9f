using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeakHound.Cli.Watching;
using LeakHound.Core.Rules;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Rules;

/// <summary>
/// Runs the rules of <c>--rules FILE</c> after each round of a watch: the engine decides what fires (with cool-downs),
/// this runs the actions in the background so a slow webhook never delays sampling, and reports each outcome once.
/// </summary>
internal sealed class RuleRunner(IReadOnlyList<Rule> rules, WatchSession session) : ISampleSink
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    private readonly RuleEngine _engine = new(rules);
    private readonly List<Task> _running = [];

    public void OnSample(WatchedTarget target, double t, string series, double value)
    {
    }

    public void OnRoundEnd(IReadOnlyList<WatchedTarget> targets)
    {
        double now = session.ElapsedSeconds;
        foreach (WatchedTarget target in targets)
        {
            foreach (Firing firing in _engine.Evaluate(target.Label, target.Book.Verdicts(final: false), now))
            {
                Say($"rule '{firing.Rule.Name}' fired: {firing.Target}: {firing.Why}");
                JsonObject payload = Payload(firing, now);
                foreach (RuleAction action in firing.Rule.Actions)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    _running.Add(Task.Run(() => RunAsync(action, firing, target, payload)));
                }
            }
        }
    }

    /// <summary>At the end of the watch: lets actions still running finish (webhooks, commands), up to <paramref name="limit"/>.</summary>
    public async Task WaitForActionsAsync(TimeSpan limit)
    {
        try
        {
            await Task.WhenAll(_running).WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            Say($"{_running.Count(t => !t.IsCompleted)} rule actions still running at the end of the watch were left behind");
        }
    }

    private async Task RunAsync(RuleAction action, Firing firing, WatchedTarget target, JsonObject payload)
    {
        string rule = firing.Rule.Name;
        try
        {
            switch (action)
            {
                case WebhookAction webhook:
                    using (HttpResponseMessage r = await s_http.PostAsJsonAsync(webhook.Url, payload))
                    {
                        Say(r.IsSuccessStatusCode
                            ? $"rule '{rule}': webhook {webhook.Url} answered {(int)r.StatusCode}"
                            : $"rule '{rule}': webhook {webhook.Url} failed with HTTP {(int)r.StatusCode}");
                    }

                    break;
                case CommandAction command:
                    await RunCommandAsync(rule, command, firing, payload);
                    break;
                case HeapDiffAction:
                    if (!session.StartHeapDiff(target, $"rule '{rule}'"))
                    {
                        Say($"rule '{rule}': a heap diff of {target.Label} was already taken in this watch");
                    }

                    break;
                case StopAction:
                    await StopAsync(rule, target);
                    break;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            Say($"rule '{rule}': {Describe(action)} failed: {e.Message}");
        }
    }

    /// <summary>The program and its arguments exactly as given (no shell); the event as JSON on stdin and in the environment.</summary>
    private static async Task RunCommandAsync(string rule, CommandAction command, Firing firing, JsonObject payload)
    {
        ProcessStartInfo info = new(command.Arguments[0]) { UseShellExecute = false, RedirectStandardInput = true };
        foreach (string argument in command.Arguments.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["LEAKHOUND_RULE"] = rule;
        info.Environment["LEAKHOUND_TARGET"] = firing.Target;
        info.Environment["LEAKHOUND_SERIES"] = firing.Verdict.Series;
        info.Environment["LEAKHOUND_VERDICT"] = firing.Verdict.Verdict.ToName();
        info.Environment["LEAKHOUND_EVENT"] = payload.ToJsonString();
        using Process process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(payload.ToJsonString());
        process.StandardInput.Close();
        using CancellationTokenSource timeout = new(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
            Say($"rule '{rule}': {command.Arguments[0]} exited with {process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Say($"rule '{rule}': {command.Arguments[0]} ran over {CommandTimeout.TotalSeconds:0}s and was killed");
        }
    }

    private static async Task StopAsync(string rule, WatchedTarget target)
    {
        if (target.Launched is { } launched)
        {
            await launched.StopAsync(TimeSpan.FromSeconds(5));
            Say($"rule '{rule}': stopped {target.Label}");
        }
        else if (target.RootPid > 0 && ProcessSignals.Send(target.RootPid, ProcessSignals.SigTerm))
        {
            Say($"rule '{rule}': sent SIGTERM to {target.Label}");
        }
        else
        {
            Say($"rule '{rule}': could not stop {target.Label}");
        }
    }

    private static JsonObject Payload(Firing firing, double now)
    {
        SeriesVerdict v = firing.Verdict;
        return new JsonObject
        {
            ["rule"] = firing.Rule.Name,
            ["why"] = firing.Why,
            ["target"] = firing.Target,
            ["series"] = v.Series,
            ["verdict"] = v.Verdict.ToName(),
            ["reason"] = v.Reason,
            ["rate"] = VerdictText.Rate(v),
            ["slope_per_second"] = v.SlopePerSecond is { } s && double.IsFinite(s) ? s : null,
            ["time_to_limit_seconds"] = v.TimeToLimitSeconds is { } ttl && double.IsFinite(ttl) ? ttl : null,
            ["time_to_limit_earliest_seconds"] = v.TimeToLimitEarliestSeconds is { } early && double.IsFinite(early) ? early : null,
            ["time_to_limit_latest_seconds"] = v.TimeToLimitLatestSeconds is { } late && double.IsFinite(late) ? late : null,
            ["current"] = v.Current is { } c && double.IsFinite(c) ? c : null,
            ["at_seconds"] = now,
            ["fired_at"] = DateTimeOffset.UtcNow.ToString("O"),
        };
    }

    private static string Describe(RuleAction action) => action switch
    {
        WebhookAction w => $"webhook {w.Url}",
        CommandAction c => $"command {c.Arguments[0]}",
        HeapDiffAction => "heap diff",
        _ => "stop",
    };

    private static void Say(string message) => Console.Error.WriteLine($"leakhound: {message}");
}
