using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LeakHound.Core.Rules;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Proc;

namespace LeakHound.Watching.Sinks;

/// <summary>
/// Runs trigger → action rules after each round of a watch: the rule engine decides what fires (with cool-downs), this
/// runs the actions in the background so a slow webhook never delays sampling, and tells each outcome once (a notice).
/// The event an action gets is the verdict document with the rule's <c>rule</c>, <c>why</c> and <c>fired_at</c>.
/// </summary>
public sealed class RuleActionSink(IReadOnlyList<Rule> rules) : IWatchSink
{
    private static readonly HttpClient s_http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long the end of a watch waits for actions still running.</summary>
    private static readonly TimeSpan EndWait = TimeSpan.FromSeconds(30);

    private readonly RuleEngine _engine = new(rules);
    private readonly List<Task> _running = [];
    private WatchEngine? _watch;

    public void OnStart(WatchEngine watch) => _watch = watch;

    public void OnRoundEnd(WatchEngine watch)
    {
        double now = watch.Now;
        foreach (WatchTarget target in watch.Targets)
        {
            foreach (Firing firing in _engine.Evaluate(target.Label, target.Detectors.Verdicts(final: false), now))
            {
                Say($"rule '{firing.Rule.Name}' fired: {firing.Target}: {firing.Why}");
                string payload = Payload(firing);
                foreach (RuleAction action in firing.Rule.Actions)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    _running.Add(Task.Run(() => RunAsync(action, firing, target, payload)));
                }
            }
        }
    }

    /// <summary>At the end of the watch: lets actions still running finish (webhooks, commands), up to 30 s.</summary>
    public async Task OnStoppedAsync(WatchEngine watch)
    {
        try
        {
            await Task.WhenAll(_running).WaitAsync(EndWait);
        }
        catch (TimeoutException)
        {
            Say($"{_running.Count(t => !t.IsCompleted)} rule actions still running at the end of the watch were left behind");
        }
    }

    private async Task RunAsync(RuleAction action, Firing firing, WatchTarget target, string payload)
    {
        string rule = firing.Rule.Name;
        try
        {
            switch (action)
            {
                case WebhookAction webhook:
                    using (StringContent body = new(payload, Encoding.UTF8, new MediaTypeHeaderValue("application/json")))
                    using (HttpResponseMessage r = await s_http.PostAsync(webhook.Url, body))
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
                    if (!_watch!.HeapDiffs.Start(target, $"rule '{rule}'"))
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
    private async Task RunCommandAsync(string rule, CommandAction command, Firing firing, string payload)
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
        info.Environment["LEAKHOUND_EVENT"] = payload;
        using Process process = Process.Start(info)!;
        await process.StandardInput.WriteAsync(payload);
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

    private async Task StopAsync(string rule, WatchTarget target)
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

    /// <summary>The rule event: the verdict document, with what fired and when.</summary>
    public static string Payload(Firing firing)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer, VerdictJson.WriterOptions(indented: false)))
        {
            w.WriteStartObject();
            w.WriteString("rule", firing.Rule.Name);
            w.WriteString("why", firing.Why);
            w.WriteString("fired_at", DateTimeOffset.UtcNow.ToString("O"));
            VerdictJson.WriteProperties(w, firing.Verdict with { Target = firing.Target });
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Describe(RuleAction action) => action switch
    {
        WebhookAction w => $"webhook {w.Url}",
        CommandAction c => $"command {c.Arguments[0]}",
        HeapDiffAction => "heap diff",
        _ => "stop",
    };

    private void Say(string message) => _watch?.Notice(message);
}
