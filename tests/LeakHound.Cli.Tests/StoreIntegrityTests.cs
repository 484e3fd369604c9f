using System.Diagnostics;
using System.Text.Json;
using LeakHound.Probes.Proc;

using static LeakHound.Cli.Tests.StoreHistory;

namespace LeakHound.Cli.Tests;

/// <summary>
/// The watch history tells the truth: a resumed watch keeps the wall-clock time line (outages are gaps), continues only
/// the same command line, is written by one watcher at a time and judges a new process as new; a damaged store is one
/// line and exit 2 for every command; the history says what each watch was and concluded, and only its owner reads it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class StoreIntegrityTests
{
    /// <summary>Starts a watcher, waits until its watch has stored some samples, and SIGKILLs it (nothing is cleaned up).</summary>
    private static async Task<JsonElement> KilledWatch(string store, params string[] args)
    {
        using Process watcher = CliRunner.Start([args[0], "--store", store, "--interval", "0.1s", "--format", "json", .. args[1..]]);
        _ = watcher.StandardOutput.ReadToEndAsync();
        _ = watcher.StandardError.ReadToEndAsync();
        Stopwatch waited = Stopwatch.StartNew();
        JsonElement[] seen = [];
        while (waited.Elapsed < TimeSpan.FromSeconds(30) && (seen.Length == 0 || seen[0].GetProperty("samples").GetInt64() < 200)) // about 30 rounds of 7 series
        {
            await Task.Delay(300);
            seen = File.Exists(store) ? await History(store) : [];
        }

        Assert.True(ProcessSignals.Send(watcher.Id, 9));
        await watcher.WaitForExitAsync();
        return Assert.Single(await History(store));
    }

    [Fact]
    public async Task Resume_AfterAnOutage_KeepsTheWallClockTimeLine_AndANewProcessIsANewSegment()
    {
        string store = NewStore();
        JsonElement killed = await KilledWatch(store, "run", "--", "sleep", "60");
        Assert.Equal("unfinished", killed.GetProperty("state").GetString());
        Assert.Equal("sleep 60", killed.GetProperty("command_line").GetString());
        double lastT = killed.GetProperty("seconds").GetDouble();

        await Task.Delay(TimeSpan.FromSeconds(4)); // the outage
        string report = Path.Combine(Path.GetTempPath(), $"leakhound-resumed-{Guid.NewGuid():N}.html");
        ProcessResult resumed = await CliRunner.RunAsync("run", "--store", store, "--resume", "--interval", "0.1s", "--duration", "2s", "--format", "json",
            "--report", report, "--", "sleep", "60");

        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains("a gap on the time line", resumed.Stderr);
        Assert.Contains("is judged from t=", resumed.Stderr);
        JsonElement after = Assert.Single(await History(store));
        JsonElement gap = Assert.Single(after.GetProperty("gaps").EnumerateArray());
        Assert.InRange(gap.GetProperty("seconds").GetDouble(), 4, 60);
        Assert.Equal(lastT, gap.GetProperty("t").GetDouble(), 3);
        Assert.True(after.GetProperty("seconds").GetDouble() >= lastT + 5, after.ToString()); // 4 s away + 2 s watched: not folded away
        double restart = Assert.Single(after.GetProperty("restarts").EnumerateArray()).GetDouble();
        Assert.True(restart >= lastT + 4, after.ToString());
        Assert.Contains("since the new process", JsonVerdicts.Parse(resumed.Stdout).Series("rss").GetProperty("reason").GetString());
        Assert.Equal("ended", after.GetProperty("state").GetString());

        // The JSON and the report of the resumed watch carry the same gap and restart as the history.
        JsonElement[] marks = [.. JsonVerdicts.Parse(resumed.Stdout).Document.RootElement.GetProperty("timeline_marks").EnumerateArray()];
        Assert.Equal(["gap", "restart"], marks.Select(m => m.GetProperty("kind").GetString()));
        Assert.Equal(lastT, marks[0].GetProperty("at_seconds").GetDouble(), 3);
        Assert.Equal(gap.GetProperty("seconds").GetDouble(), marks[0].GetProperty("seconds").GetDouble(), 3);
        Assert.Equal(restart, marks[1].GetProperty("at_seconds").GetDouble(), 3);
        Assert.Contains("\"kind\":\"restart\"", File.ReadAllText(report));
    }

    [Fact]
    public async Task Resume_MatchesTheWholeCommandLine()
    {
        string store = NewStore();
        JsonElement killed = await KilledWatch(store, "run", "--", "sleep", "61");

        ProcessResult other = await CliRunner.RunAsync("run", "--store", store, "--resume", "--duration", "1s", "--", "sleep", "62");

        Assert.Equal(2, other.ExitCode);
        Assert.Equal($"leakhound: --resume: no unfinished 'run' watch of 'sleep 62' in {store}; watch {killed.GetProperty("id").GetInt64()} is of 'sleep 61' (give --resume {killed.GetProperty("id").GetInt64()} to continue it anyway)",
            other.Stderr.Trim());
        Assert.Equal(killed.GetProperty("samples").GetInt64(), Assert.Single(await History(store)).GetProperty("samples").GetInt64()); // nothing appended
    }

    [Fact]
    public async Task AWatchBeingWritten_IsRunningNotUnfinished_AndCannotBeResumedByAnother()
    {
        string store = NewStore();
        using Process target = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        using Process watcher = CliRunner.Start("watch", "--pid", target.Id.ToString(), "--store", store, "--interval", "0.1s", "--duration", "40s", "--format", "json");
        _ = watcher.StandardOutput.ReadToEndAsync();
        _ = watcher.StandardError.ReadToEndAsync();
        try
        {
            JsonElement[] seen = [];
            for (int i = 0; i < 100 && (seen.Length == 0 || seen[0].GetProperty("samples").GetInt64() < 10); i++)
            {
                await Task.Delay(200);
                seen = File.Exists(store) ? await History(store) : [];
            }

            JsonElement live = Assert.Single(seen);
            Assert.Equal("running", live.GetProperty("state").GetString());
            long id = live.GetProperty("id").GetInt64();

            ProcessResult newest = await CliRunner.RunAsync("watch", "--pid", target.Id.ToString(), "--store", store, "--resume", "--duration", "1s");
            ProcessResult byId = await CliRunner.RunAsync("watch", "--pid", target.Id.ToString(), "--store", store, "--resume", id.ToString(), "--duration", "1s");

            Assert.Equal(2, newest.ExitCode);
            Assert.Contains($"watch {id} of this command line is being written by leakhound (PID {watcher.Id}), which still runs", newest.Stderr);
            Assert.Equal(2, byId.ExitCode);
            Assert.Contains($"watch {id} is being written by leakhound (PID {watcher.Id})", byId.Stderr);
            Assert.Single(await History(store));
        }
        finally
        {
            watcher.Kill();
            target.Kill();
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("torn")]
    public async Task DamagedStore_IsOneLineAndExitTwo_ForEveryCommand(string damage)
    {
        string store = NewStore();
        if (damage == "garbage")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(store)!);
            File.WriteAllBytes(store, [.. Enumerable.Range(0, 64 * 1024).Select(i => (byte)(i * 7919 % 251))]);
        }
        else
        {
            ProcessResult written = await CliRunner.RunAsync("run", "--store", store, "--interval", "0.02s", "--duration", "2s", "--", "sleep", "5");
            Assert.True(written.ExitCode == 0, written.ToString());
            using FileStream file = new(store, FileMode.Open, FileAccess.ReadWrite);
            Assert.True(file.Length > 4 * 4096, $"{file.Length} bytes");
            file.Position = 2 * 4096; // a page of the tables, overwritten as a failing disk or a stray write would
            file.Write([.. Enumerable.Repeat((byte)0x5A, 4096)]);
        }

        byte[] before = File.ReadAllBytes(store);
        foreach (string[] command in (string[][])[
            ["history", "--store", store],
            ["analyze", "--store", store, "--watch", "1"],
            ["run", "--store", store, "--duration", "1s", "--", "sleep", "3"],
            ["run", "--store", store, "--resume", "--duration", "1s", "--", "sleep", "3"]])
        {
            ProcessResult r = await CliRunner.RunAsync(command);

            Assert.True(r.ExitCode == 2, $"{string.Join(' ', command)}: {r}");
            string line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains($"the watch history '{store}' is damaged", line);
        }

        Assert.Equal(before, File.ReadAllBytes(store)); // nothing was written into it
    }

    [Fact]
    public async Task DefaultStore_IsReadableByItsOwnerOnly_AndTheHistorySaysWhatEachWatchWas()
    {
        string dataHome = Path.Combine(Path.GetTempPath(), $"leakhound-data-{Guid.NewGuid():N}");
        ProcessResult r = await CliRunner.RunInDataHomeAsync(dataHome, "run", "--interval", "0.1s", "--duration", "30s", "--", "sh", "-c", "sleep 1.5; exit 3");
        Assert.True(r.ExitCode == 0, r.ToString());

        string store = Path.Combine(dataHome, "leakhound", "history.db");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store)!));
        JsonElement watch = Assert.Single(await History(store));
        Assert.Equal("sh -c 'sleep 1.5; exit 3'", watch.GetProperty("command_line").GetString());
        Assert.Equal("targetsexited", watch.GetProperty("stopped_because").GetString());
        Assert.Equal("ended", watch.GetProperty("state").GetString());
        Assert.Contains("(target exited with code 3)", watch.GetProperty("outcome").GetString());

        ProcessResult table = await CliRunner.RunAsync("history", "--store", store);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("exited with code 3", table.Stdout);
        Assert.Contains("run: sh -c", table.Stdout);
    }
}
