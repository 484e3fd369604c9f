using System.Diagnostics;
using System.Text.RegularExpressions;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Tests;

/// <summary>
/// A launched command is its whole tree: a daemon that forks away from it is still watched, the whole tree is stopped
/// at the end of the watch (SIGTERM, then SIGKILL), and it dies with a SIGKILLed watcher.
/// </summary>
public sealed partial class LaunchedTreeTests
{
    /// <summary>The PIDs a target printed as NAME=PID (with --format json its output is on the watcher's stderr).</summary>
    private static Dictionary<string, int> Pids(string output) =>
        PidLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => int.Parse(m.Groups[2].Value));

    private static async Task<bool> GoneWithin(int pid, TimeSpan wait)
    {
        Stopwatch waited = Stopwatch.StartNew();
        while (waited.Elapsed < wait)
        {
            if (ProcessIdentity.Of(pid) is null || LaunchedTree.IsZombie(pid))
            {
                return true;
            }

            await Task.Delay(100);
        }

        return false;
    }

    [Fact]
    public async Task Daemon_ThatForksAwayAndLeaks_IsWatched_AndStoppedAtTheEnd()
    {
        // A classic double-fork daemon: the command exits at once; its grandchild, in a session of its own, leaks.
        const string daemon = """
            exit 0 if fork; require POSIX; POSIX::setsid(); exit 0 if fork;
            $| = 1; print "daemon=$$\n"; my @held;
            for (1..400) { push @held, "x" x 524288; select(undef, undef, undef, 0.05); }
            """;
        ProcessResult r = await CliRunner.RunAsync(RunFixtures.Run("perl", "-e", daemon));

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("leak", json.Verdict("rss"));
        Assert.True(json.Root.GetProperty("duration_seconds").GetDouble() > 5, r.ToString()); // not over when the command exited
        Assert.True(await GoneWithin(Pids(r.Stderr)["daemon"], TimeSpan.FromSeconds(5)), "the daemon outlived its watch");
    }

    [Fact]
    public async Task EndOfWatch_StopsTheWholeTree_EvenWhatIgnoresSigterm()
    {
        const string tree = """
            sleep 301 & echo child=$!
            (trap "" TERM; exec sleep 302) & echo stubborn=$!
            sh -c 'sleep 303 & echo grandchild=$!; wait' &
            wait
            """;
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.1s", "--duration", "2s", "--no-store", "--format", "json", "--", "sh", "-c", tree);

        Assert.True(r.ExitCode == 0, r.ToString());
        Dictionary<string, int> pids = Pids(r.Stderr);
        Assert.Equal(3, pids.Count);
        foreach ((string name, int pid) in pids)
        {
            Assert.True(await GoneWithin(pid, TimeSpan.FromSeconds(3)), $"{name} (PID {pid}) outlived the watch");
        }
    }

    [Fact]
    public async Task SigkilledWatcher_TakesItsLaunchedTreeWithIt()
    {
        using Process watcher = CliRunner.Start("run", "--interval", "0.2s", "--no-store", "--format", "json", "--", "sh", "-c", "echo root=$$; sleep 304 & echo child=$!; wait");
        _ = watcher.StandardOutput.ReadToEndAsync();
        string seen = "";
        while (Pids(seen).Count < 2)
        {
            string? line = await watcher.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.NotNull(line);
            seen += line + "\n";
        }

        Assert.True(ProcessSignals.Send(watcher.Id, 9));
        await watcher.WaitForExitAsync();

        foreach ((string name, int pid) in Pids(seen))
        {
            Assert.True(await GoneWithin(pid, TimeSpan.FromSeconds(5)), $"{name} (PID {pid}) outlived the SIGKILLed watcher");
        }
    }

    [GeneratedRegex(@"\b(root|child|stubborn|grandchild|daemon)=(\d+)\b")]
    private static partial Regex PidLine();
}
