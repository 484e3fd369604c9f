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

    /// <summary>The watcher's children that have ended and are not reaped.</summary>
    private static int ZombieChildrenOf(int watcher) => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out int pid) ? pid : 0)
        .Count(pid => pid > 0 && LaunchedTree.IsZombie(pid) && ParentOf(pid) == watcher);

    private static int ParentOf(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    [Fact]
    public async Task ZombiesHandedToTheWatcher_AreReaped_WhileTheWatchRuns()
    {
        // Each perl forks a child that exits at once and is never reaped by perl; perl exits a moment later, and the
        // zombie, never seen alive, is reparented to the watcher (the subreaper). Eight of them, then the command idles.
        const string tree = """
            for i in 1 2 3 4 5 6 7 8; do perl -e 'exit 0 unless fork; select(undef, undef, undef, 0.1); exit 0'; done
            sleep 30
            """;
        using Process watcher = CliRunner.Start(["run", "--interval", "0.1s", "--duration", "6s", "--no-store", "--format", "json", "--", "sh", "-c", tree]);
        Task<string> stdout = watcher.StandardOutput.ReadToEndAsync();
        Task<string> stderr = watcher.StandardError.ReadToEndAsync();
        await Task.Delay(4000); // the eight are handed over within about 1 s

        int zombies = ZombieChildrenOf(watcher.Id);
        await watcher.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(zombies == 0, $"{zombies} zombies left unreaped by the watcher\n{await stderr}");
        Assert.Equal(0, watcher.ExitCode);
        _ = await stdout;
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
