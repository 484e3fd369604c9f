using System.Diagnostics;
using System.Net;
using LeakHound.Core.Rules;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.Proc;
using LeakHound.Watching.Sinks;
using Microsoft.Extensions.Time.Testing;

namespace LeakHound.Watching.Tests;

/// <summary>Rule actions cannot be turned against the host: no redirect followed, no command outliving the watch or stretching it.</summary>
public sealed class RuleActionSinkTests
{
    [Fact]
    public async Task Redirect_IsNotFollowed_AndASlowCommand_IsKilledAtTheEnd()
    {
        using HttpListener hook = Listen(out int hookPort);
        using HttpListener elsewhere = Listen(out int elsewherePort);
        int hookRequests = 0, elsewhereRequests = 0;
        long? contentLength = null;
        using CancellationTokenSource stop = new(TimeSpan.FromSeconds(60));
        _ = Task.Run(async () =>
        {
            HttpListenerContext c = await hook.GetContextAsync().WaitAsync(stop.Token);
            Interlocked.Increment(ref hookRequests);
            contentLength = c.Request.ContentLength64;
            c.Response.StatusCode = 307;
            c.Response.RedirectLocation = $"http://127.0.0.1:{elsewherePort}/stolen";
            c.Response.Close();
        });
        _ = Task.Run(async () =>
        {
            HttpListenerContext c = await elsewhere.GetContextAsync().WaitAsync(stop.Token);
            Interlocked.Increment(ref elsewhereRequests);
            c.Response.Close();
        });

        string marker = $"100.{Random.Shared.Next(100000, 999999)}"; // sleep's argument: finds this test's command and no other
        Rule rule = new("page", new VerdictBecomes("rss", Verdict.Leak),
            [new WebhookAction(new Uri($"http://127.0.0.1:{hookPort}/hook")), new CommandAction(["sleep", marker])], 3600);
        using WatchTarget target = Drive.Target("svc", new FakeSource(Drive.Leaking));
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        WatchEngine engine = new([target], new WatchSettings { DurationSeconds = 240, Detector = Drive.Fast },
            [new RuleActionSink([rule], endWait: TimeSpan.FromSeconds(1)), sink], clock);

        Stopwatch wall = Stopwatch.StartNew();
        WatchResult result = await Drive.RunAsync(engine, clock, sink, 400);

        Assert.True(result.AnyLeak);
        Assert.True(wall.Elapsed < TimeSpan.FromSeconds(20), $"the watch took {wall.Elapsed}"); // not the command's 100 s
        Assert.Equal(1, hookRequests);
        Assert.True(contentLength > 0, "the event is sent with its Content-Length");
        Assert.Equal(0, elsewhereRequests); // the 307 was not re-POSTed
        Assert.Contains(sink.Notices, n => n.Contains("307", StringComparison.Ordinal) && n.Contains("not followed", StringComparison.Ordinal));
        Assert.Contains(sink.Notices, n => n.Contains("still running at the end of the watch and was killed", StringComparison.Ordinal));
        await Task.Delay(300);
        Assert.DoesNotContain(Process.GetProcessesByName("sleep"), p => File.ReadAllText($"/proc/{p.Id}/cmdline").Contains(marker, StringComparison.Ordinal));
    }

    /// <summary>A heap diff or an explanation a target cannot have is said when the rule fires, not at the end of the watch.</summary>
    [Fact]
    public async Task HeapDiffAndExplain_OnATargetWithoutAMechanism_SayWhyAtOnce()
    {
        Rule rule = new("explain", new VerdictBecomes("rss", Verdict.Leak), [new HeapDiffAction(), new ExplainAction()], 3600);
        using WatchTarget target = Drive.Target("svc", new FakeSource(Drive.Leaking));
        FakeTimeProvider clock = new();
        RecordingSink sink = new();
        double? saidAt = null;
        WatchEngine engine = new([target], new WatchSettings { DurationSeconds = 240, Detector = Drive.Fast },
            [new RuleActionSink([rule], endWait: TimeSpan.FromSeconds(1)), sink], clock);
        sink.NoticeSeen = n => saidAt ??= n.Contains("no heap diff of svc: it is not a .NET process", StringComparison.Ordinal) ? engine.Now : null;

        WatchResult result = await Drive.RunAsync(engine, clock, sink, 400);

        double leakAt = sink.Changes.Single(c => c.To.Verdict == Verdict.Leak).To.DetectedAtSeconds!.Value;
        // Actions run in the background while the fake clock races on: "at once" is some rounds after the leak, long before the end at 240 s.
        Assert.True(saidAt is { } said && said >= leakAt && said < leakAt + 60 && said < 200, $"said at {saidAt}, leak at {leakAt}");
        Assert.Contains(sink.Notices, n => n.Contains("cannot explain svc: it is not a .NET process, it is not read with --node-inspector (Node.js), and no --pprof-url", StringComparison.Ordinal));
        Assert.Empty(result.HeapDiffs);
        Assert.Empty(result.GoExplanations);
    }

    [Fact]
    public async Task StopRule_NeverSignalsAProcessThatTookTheWatchedPid()
    {
        using Process watched = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        ProcessIdentity original = ProcessIdentity.Of(watched.Id)!.Value;
        watched.Kill();
        watched.WaitForExit(); // reaped: its PID is free
        ProcessIdentity stranger = PidReuse.StartWithPid(original.Pid, "sleep", "30");
        try
        {
            Rule rule = new("stop-it", new VerdictBecomes("rss", Verdict.Leak), [new StopAction()], 3600);
            using WatchTarget target = new("svc", new FakeSource(Drive.Leaking), new LeakHound.Core.Detection.DetectorSet(Drive.Fast))
            {
                RootPid = original.Pid,
                RootIdentity = original,
            };
            FakeTimeProvider clock = new();
            RecordingSink sink = new();
            WatchEngine engine = new([target], new WatchSettings { DurationSeconds = 240, Detector = Drive.Fast },
                [new RuleActionSink([rule], endWait: TimeSpan.FromSeconds(5)), sink], clock);

            WatchResult result = await Drive.RunAsync(engine, clock, sink, 400);

            Assert.True(result.AnyLeak);
            Assert.Contains(sink.Notices, n => n.Contains($"PID {original.Pid} is no longer the watched process", StringComparison.Ordinal));
            Assert.True(stranger.IsCurrent, "the process that took the PID was signalled");
        }
        finally
        {
            stranger.Signal(9);
        }
    }

    private static HttpListener Listen(out int port)
    {
        port = Repo.FreePort();
        HttpListener listener = new();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        return listener;
    }
}
