using System.Diagnostics;
using System.Text.Json;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Tests;

/// <summary>How <c>run</c> and <c>watch</c> start, stop, pass output through and fail.</summary>
public sealed class RunLifecycleTests
{
    [Fact]
    public async Task TargetExitingMidWatch_EndsTheWatchWithAVerdict()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--format", "json", "--", "sh", "-c", "sleep 1.5; exit 3");

        Assert.True(r.ExitCode == 0, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("targetsexited", json.Root.GetProperty("stopped_because").GetString());
        JsonElement target = json.Root.GetProperty("targets")[0];
        Assert.InRange(target.GetProperty("exited_at_seconds").GetDouble(), 1, 5);
        Assert.Equal(3, target.GetProperty("target_exit_code").GetInt32());
        Assert.Equal("insufficient", json.Verdict("rss"));
        Assert.Contains("need", json.Series("rss").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task JsonFormat_KeepsStdoutForJson_TargetOutputGoesToStderr()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--format", "json", "--", "sh", "-c", "echo hello-from-target; sleep 0.5");

        JsonVerdicts.Parse(r.Stdout); // must be pure JSON
        Assert.DoesNotContain("hello-from-target", r.Stdout);
        Assert.Contains("hello-from-target", r.Stderr);
    }

    [Fact]
    public async Task TableFormat_PassesTargetOutputThrough()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--", "sh", "-c", "echo passthrough-line; sleep 0.5");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("passthrough-line", r.Stdout);
        Assert.Contains("rss", r.Stdout);
    }

    [Fact]
    public async Task TargetLog_CapturesBothStreams()
    {
        string log = Path.Combine(Path.GetTempPath(), $"leakhound-log-{Guid.NewGuid():N}.txt");
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--target-log", log, "--format", "json", "--", "sh", "-c", "echo out-line; echo err-line >&2; sleep 0.3");

        Assert.Equal(0, r.ExitCode);
        string text = await File.ReadAllTextAsync(log);
        Assert.Contains("out-line", text);
        Assert.Contains("err-line", text);
        Assert.DoesNotContain("out-line", r.Stderr);
    }

    [Fact]
    public async Task Out_RecordsATraceThatAnalyzeReadsBack()
    {
        string trace = Path.Combine(Path.GetTempPath(), $"leakhound-trace-{Guid.NewGuid():N}.csv");
        ProcessResult recorded = await CliRunner.RunAsync(["run", "--interval", "0.1s", "--duration", "20s", "--out", trace, "--format", "json", "--", "node", CliRunner.Fixture("node/fd-leak.js"), "50", "60"], 90);
        ProcessResult analyzed = await CliRunner.RunAsync("analyze", trace, "--min-span", "6s", "--format", "json");

        Assert.True(recorded.ExitCode is 0 or 1, recorded.ToString());
        string[] lines = File.ReadAllLines(trace);
        Assert.Equal("t_seconds,series,value", lines[0]);
        Assert.True(lines.Length > 18 * 50, $"{lines.Length} lines");
        // 20 s of a descriptor opened every 50 ms: under a loaded machine Node opens them in bursts, and the trend
        // test's serial-correlation correction needs more than 12 s of such a staircase to reach 99.9 %.
        Assert.True(analyzed.ExitCode == 1, analyzed.ToString());
        Assert.Equal("leak", JsonVerdicts.Parse(analyzed.Stdout).Verdict("fds"));
    }

    [Fact]
    public async Task Interrupt_StopsTargetCleanlyAndStillPrintsVerdict()
    {
        using Process p = CliRunner.Start("run", "--interval", "0.2s", "--format", "json", "--", "sleep", "120");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await Task.Delay(2500);
        int[] children = File.ReadAllText($"/proc/{p.Id}/task/{p.Id}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();

        Assert.True(ProcessSignals.Send(p.Id, ProcessSignals.SigInt));
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync(timeout.Token);

        string output = await stdout;
        Assert.True(p.ExitCode == 130, $"exit {p.ExitCode}: {await stderr}"); // interrupted: no leak was shown absent
        Assert.Equal("cancelled", JsonVerdicts.Parse(output).Root.GetProperty("stopped_because").GetString());
        Assert.NotEmpty(children);
        Assert.All(children, pid => Assert.False(Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z"), $"target {pid} still running"));
    }

    [Fact]
    public async Task CommandNotFound_ExitsThree()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--", "/no/such/program-xyz");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("cannot start", r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Theory]
    [InlineData("--interval", "soon")]
    [InlineData("--limit", "lots")]
    [InlineData("--duration", "-5s")]
    [InlineData("--format", "xml")]
    public async Task BadOption_ExitsTwoWithOneLine(string option, string value)
    {
        ProcessResult r = await CliRunner.RunAsync("run", option, value, "--", "sleep", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(option, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task TargetKilled_IsNoticedAtOnce_AndToldAsASigkill()
    {
        Stopwatch took = Stopwatch.StartNew();
        ProcessResult r = await CliRunner.RunAsync(["run", "--interval", "30s", "--format", "json", "--no-runtime-counters", "--", "sh", "-c", "sleep 1; kill -9 $$"], 60);

        Assert.True(took.Elapsed < TimeSpan.FromSeconds(20), $"the exit was noticed after {took.Elapsed}, not at once"); // not the 30 s interval
        JsonElement target = JsonVerdicts.Parse(r.Stdout).Root.GetProperty("targets")[0];
        Assert.Equal(137, target.GetProperty("target_exit_code").GetInt32());
        Assert.Contains("SIGKILL", target.GetProperty("target_exit").GetString());
        Assert.InRange(target.GetProperty("exited_at_seconds").GetDouble(), 0.5, 10);
        Assert.Contains("killed by SIGKILL", r.Stderr);
        Assert.Contains("OOM killer", r.Stderr);
    }

    [Fact]
    public async Task AttachedProcessExit_IsNoticedAtOnce_NotAtTheNextInterval()
    {
        using Process target = Process.Start(new ProcessStartInfo("sleep", "1.5") { UseShellExecute = false })!;
        Stopwatch took = Stopwatch.StartNew();
        ProcessResult r = await CliRunner.RunAsync(["watch", "--pid", target.Id.ToString(), "--interval", "30s", "--format", "json", "--no-runtime-counters"], 60);

        Assert.True(took.Elapsed < TimeSpan.FromSeconds(20), $"the exit was noticed after {took.Elapsed}, not at once"); // not the 30 s interval
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("targetsexited", json.Root.GetProperty("stopped_because").GetString());
        Assert.InRange(json.Root.GetProperty("targets")[0].GetProperty("exited_at_seconds").GetDouble(), 0.5, 10);
    }

    [Theory]
    [InlineData("watch")]
    [InlineData("explain")]
    public async Task NonNumericPid_SaysWhatIsExpected_NotADotNetType(string command)
    {
        // The commands' own checks (what to watch or explain) must not read a value that did not parse.
        ProcessResult r = await CliRunner.RunAsync(command, "--pid", "abc");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("'abc'", r.Stderr);
        Assert.Contains("--pid", r.Stderr);
        Assert.Contains("whole number", r.Stderr);
        Assert.DoesNotContain("System.", r.Stderr);
    }

    [Theory]
    [InlineData("analyze")]
    [InlineData("report")]
    [InlineData("scan")]
    public async Task BadLimit_EveryCommand_ExitsTwoWithOneLine(string command)
    {
        string trace = CliRunner.TempFile("t_seconds,series,value\n0,rss,1\n1,rss,2\n");
        string[] args = command switch
        {
            "analyze" => ["analyze", trace],
            "report" => ["report", trace, "-o", Path.ChangeExtension(trace, ".html")],
            _ => ["scan", "--prometheus", $"http://127.0.0.1:{Repo.FreePort()}", "--query", "up"],
        };

        ProcessResult r = await CliRunner.RunAsync([.. args, "--limit", "lots"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--limit: 'lots' is not a size", Assert.Single(r.Stderr.Trim().Split('\n')));
    }

    [Fact]
    public async Task Watch_MissingPid_ExitsThreeWithOneLine()
    {
        ProcessResult r = await CliRunner.RunAsync("watch", "--pid", "999999999", "--duration", "2s");

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("999999999", r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Watch_TwoRunningProcesses_SideBySide()
    {
        using Process a = Process.Start("sleep", "30");
        using Process b = Process.Start("sleep", "30");
        try
        {
            ProcessResult r = await CliRunner.RunAsync("watch", "--pid", a.Id.ToString(), "--pid", b.Id.ToString(), "--interval", "0.2s", "--duration", "2s", "--format", "json", "--limit", "1GiB");

            Assert.True(r.ExitCode == 0, r.ToString());
            JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
            Assert.Equal(2, json.Root.GetProperty("targets").GetArrayLength());
            Assert.Equal("duration", json.Root.GetProperty("stopped_because").GetString());
            Assert.Equal(1024.0 * 1024 * 1024, json.Series("rss", $"({a.Id})").GetProperty("limit").GetDouble());
            Assert.True(json.Series("rss", $"({b.Id})").GetProperty("samples").GetInt32() >= 5);
        }
        finally
        {
            a.Kill();
            b.Kill();
        }
    }

    [Fact]
    public async Task Watch_ProcessExitsMidWatch_ReportsIt()
    {
        using Process a = Process.Start("sleep", "1");
        ProcessResult r = await CliRunner.RunAsync("watch", "--pid", a.Id.ToString(), "--interval", "0.1s", "--duration", "20s", "--format", "json");

        Assert.True(r.ExitCode == 0, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("targetsexited", json.Root.GetProperty("stopped_because").GetString());
        Assert.True(json.Series("rss").GetProperty("samples").GetInt32() >= 3);
    }
}
