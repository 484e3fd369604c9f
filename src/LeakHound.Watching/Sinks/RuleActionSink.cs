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
/// <param name="rules">The rules.</param>
/// <param name="endWait">How long the end of a watch waits for actions still running before it kills them (5 s).</param>
public sealed class RuleActionSink(IReadOnlyList<Rule> rules, TimeSpan? endWait = null) : IWatchSink
{
    // A webhook's 3xx is a failure, not an instruction: following it re-POSTs the event wherever the answer points.
    private static readonly HttpClient s_http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Largest event also put in a command's environment (<c>LEAKHOUND_EVENT</c>); stdin always has it whole.</summary>
    public const int MaxEventInEnvironment = 16 * 1024;

    private readonly RuleEngine _engine = new(rules);
    private readonly TimeSpan _endWait = endWait ?? TimeSpan.FromSeconds(5);
    private readonly List<Task> _running = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<Process, string> _commands = new();
    private readonly CancellationTokenSource _ending = new();
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

    /// <summary>
    /// At the end of the watch: lets actions still running finish for a moment (a slow action does not stretch the
    /// watch), then kills the commands left and abandons the webhooks, so nothing outlives the watcher.
    /// </summary>
    public async Task OnStoppedAsync(WatchEngine watch)
    {
        try
        {
            await Task.WhenAll(_running).WaitAsync(_endWait);
        }
        catch (TimeoutException)
        {
            foreach ((Process process, string name) in _commands)
            {
                Kill(process);
                Say($"{name} was still running at the end of the watch and was killed");
            }

            await _ending.CancelAsync();
            await Task.WhenAny(Task.WhenAll(_running), Task.Delay(TimeSpan.FromSeconds(2)));
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
                    // Bytes of known length: a Content-Length header, no chunked body a simple receiver cannot read.
                    using (ByteArrayContent body = new(Encoding.UTF8.GetBytes(payload)))
                    {
                        body.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
                        using HttpResponseMessage r = await s_http.PostAsync(webhook.Url, body, _ending.Token);
                        int status = (int)r.StatusCode;
                        Say(r.IsSuccessStatusCode ? $"rule '{rule}': webhook {webhook.Url} answered {status}"
                            : status is >= 300 and < 400 ? $"rule '{rule}': webhook {webhook.Url} failed: HTTP {status} redirects to {r.Headers.Location}, which is not followed"
                            : $"rule '{rule}': webhook {webhook.Url} failed with HTTP {status}");
                    }

                    break;
                case CommandAction command:
                    await RunCommandAsync(rule, command, firing, payload);
                    break;
                case HeapDiffAction when !IsDotNet(target):
                    Say($"rule '{rule}': no heap diff of {target.Label}: it is not a .NET process (for a Go program use \"explain\" with --pprof-url)");
                    break;
                case HeapDiffAction:
                case ExplainAction when IsDotNet(target):
                    if (!_watch!.HeapDiffs.Start(target, $"rule '{rule}'"))
                    {
                        Say($"rule '{rule}': a heap diff of {target.Label} was already taken in this watch");
                    }

                    break;
                case ExplainAction when target.NodeInspector is not null:
                    if (!_watch!.NodeExplanations.Start(target, $"rule '{rule}'"))
                    {
                        Say($"rule '{rule}': {target.Label} was already explained in this watch");
                    }

                    break;
                case ExplainAction when target.Pprof is not null:
                    if (!_watch!.GoExplanations.Start(target, $"rule '{rule}'"))
                    {
                        Say($"rule '{rule}': {target.Label} was already explained in this watch");
                    }

                    break;
                case ExplainAction:
                    Say($"rule '{rule}': cannot explain {target.Label}: it is not a .NET process, it is not read with --node-inspector (Node.js), and no --pprof-url was given for a Go program");
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

    /// <summary>A .NET target: its runtime counters are read, or its process has a diagnostic endpoint.</summary>
    private static bool IsDotNet(WatchTarget target) =>
        target.Runtime is { Attached: true } || (target.RootPid > 0 && Probes.DotNet.DiagnosticEndpoint.Exists(target.RootPid));

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
        if (payload.Length <= MaxEventInEnvironment)
        {
            info.Environment["LEAKHOUND_EVENT"] = payload; // bounded: a big event would fail with "Argument list too long"
        }

        string name = $"rule '{rule}': {command.Arguments[0]}";
        using Process process = Process.Start(info)!;
        _commands[process] = name;
        // The time limit runs from the start: a command that never reads its stdin must not hold the write forever.
        using CancellationTokenSource timeout = CancellationTokenSource.CreateLinkedTokenSource(_ending.Token);
        timeout.CancelAfter(CommandTimeout);
        using CancellationTokenRegistration killer = timeout.Token.Register(() => Kill(process)); // unblocks a write the command never reads
        try
        {
            try
            {
                await process.StandardInput.WriteAsync(payload.AsMemory(), timeout.Token);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // it exited or closed its stdin without reading the event: its own business
            }

            await process.WaitForExitAsync(timeout.Token);
            Say($"{name} exited with {process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (!_ending.IsCancellationRequested)
            {
                Say($"{name} ran over {CommandTimeout.TotalSeconds:0}s and was killed");
            }
        }
        finally
        {
            _commands.TryRemove(process, out _);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // it has just exited
        }
    }

    private async Task StopAsync(string rule, WatchTarget target)
    {
        if (target.Launched is { } launched)
        {
            await launched.StopAsync(TimeSpan.FromSeconds(5));
            Say($"rule '{rule}': stopped {target.Label}");
        }
        else if (target.RootIdentity is { } root && !root.IsCurrent)
        {
            // The watched process exited and its PID may now be another's: never signal that one.
            Say($"rule '{rule}': did not stop {target.Label}: PID {root.Pid} is no longer the watched process");
        }
        else if (target.RootIdentity is { } current && current.Signal(ProcessSignals.SigTerm))
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
        ExplainAction => "explanation",
        _ => "stop",
    };

    private void Say(string message) => _watch?.Notice(message);
}
