using System.Diagnostics;
using System.Text.Json;
using LeakHound.Probes.Proc;

using static LeakHound.Cli.Tests.StoreHistory;

namespace LeakHound.Cli.Tests;

/// <summary>The SQLite watch history: survives SIGKILL and resumes, re-analyses, and a full store never stops a watch.</summary>
public sealed class StoreTests
{
    [Fact]
    public async Task KilledWatch_ResumesWithAllItsSamples_AndTheSameWatch()
    {
        string store = NewStore();
        using Process target = Process.Start(new ProcessStartInfo("sleep", "120") { UseShellExecute = false })!;
        try
        {
            using Process watcher = CliRunner.Start("watch", "--pid", target.Id.ToString(), "--store", store, "--interval", "0.1s", "--format", "json");
            _ = watcher.StandardOutput.ReadToEndAsync();
            _ = watcher.StandardError.ReadToEndAsync();
            JsonElement[] before = [];
            Stopwatch waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(30) && (before.Length == 0 || before[0].GetProperty("samples").GetInt64() < 100))
            {
                await Task.Delay(300);
                if (File.Exists(store))
                {
                    before = await History(store);
                }
            }

            Assert.True(ProcessSignals.Send(watcher.Id, 9)); // SIGKILL: no clean-up of any kind
            await watcher.WaitForExitAsync();
            before = await History(store);
            JsonElement killed = Assert.Single(before);
            Assert.Equal("unfinished", killed.GetProperty("stopped_because").GetString());
            long storedBefore = killed.GetProperty("samples").GetInt64();
            double lastT = killed.GetProperty("seconds").GetDouble();

            ProcessResult resumed = await CliRunner.RunAsync("watch", "--pid", target.Id.ToString(), "--store", store, "--resume",
                "--interval", "0.1s", "--duration", "2s", "--format", "json");

            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Contains($"resuming watch {killed.GetProperty("id").GetInt64()}", resumed.Stderr);
            JsonElement after = Assert.Single(await History(store));
            Assert.Equal(killed.GetProperty("id").GetInt64(), after.GetProperty("id").GetInt64());
            Assert.Equal("duration", after.GetProperty("stopped_because").GetString());
            Assert.True(after.GetProperty("samples").GetInt64() > storedBefore + 50);
            Assert.True(after.GetProperty("seconds").GetDouble() > lastT + 1);
            // The detectors were fed the stored samples before the new ones.
            long rssSamples = JsonVerdicts.Parse(resumed.Stdout).Series("rss").GetProperty("samples").GetInt64();
            Assert.True(rssSamples > storedBefore / 7 + 10, $"rss has {rssSamples} samples; {storedBefore} were stored over 7 series");

            ProcessResult analyzed = await CliRunner.RunAsync("analyze", "--store", store, "--watch", after.GetProperty("id").GetInt64().ToString(), "--min-span", "1s", "--format", "json");
            Assert.True(analyzed.ExitCode is 0 or 1, analyzed.ToString());
            Assert.Equal(rssSamples, JsonVerdicts.Parse(analyzed.Stdout).Series("rss").GetProperty("samples").GetInt64());
        }
        finally
        {
            target.Kill();
        }
    }

    /// <summary>
    /// The managed heap's leak needs full collections spread over its window as evidence: a resumed watch must get those
    /// of its stored part back, or its window (mostly replayed) would hold new collections only, over a few seconds.
    /// </summary>
    [Fact]
    public async Task ResumedDotnetWatch_KeepsTheFullCollectionsItHadSeen()
    {
        string store = NewStore();
        using Process target = Process.Start(new ProcessStartInfo("dotnet",
            [CliRunner.Dll, "demo-target", "leak", "--max-seconds", "90", "--tick", "0.05", "--bytes-per-tick", "131072", "--full-gc-every", "1"])
            { UseShellExecute = false })!;
        try
        {
            string[] watch = ["watch", "--pid", target.Id.ToString(), "--store", store, "--interval", "0.25s", "--min-span", "6s", "--format", "json"];
            using Process watcher = CliRunner.Start(watch);
            _ = watcher.StandardOutput.ReadToEndAsync();
            _ = watcher.StandardError.ReadToEndAsync();
            await Task.Delay(TimeSpan.FromSeconds(16)); // several full collections, the heap judged a leak

            Assert.True(ProcessSignals.Send(watcher.Id, 9));
            await watcher.WaitForExitAsync();

            ProcessResult resumed = await CliRunner.RunAsync([.. watch, "--resume", "--duration", "3s"]);

            Assert.True(resumed.ExitCode == 1, resumed.ToString());
            JsonElement heap = JsonVerdicts.Parse(resumed.Stdout).Series("dotnet_gc_heap_size_bytes");
            Assert.True(heap.GetProperty("verdict").GetString() == "leak", heap.ToString());
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public async Task FullDisk_IsReportedOnce_AndTheWatchGoesOnInMemory()
    {
        // A real full disk: a 128 KiB tmpfs, full after a few hundred samples.
        await using Tmpfs disk = await Tmpfs.MountAsync("128k");
        string store = Path.Combine(disk.Path, "history.db");
        ProcessResult r = await CliRunner.RunAsync("run", "--store", store, "--interval", "0.02s", "--duration", "4s", "--format", "json", "--", "sleep", "10");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Single(r.Stderr.Split('\n'), l => l.Contains("cannot write the watch history") && l.Contains("full") && l.Contains("the watch goes on in memory"));
        long inMemory = JsonVerdicts.Parse(r.Stdout).Series("rss").GetProperty("samples").GetInt64();
        long stored = (await History(store))[0].GetProperty("samples").GetInt64();
        Assert.True(inMemory > 150, $"{inMemory} samples in memory");
        Assert.True(stored > 0 && stored < inMemory * 7, $"{stored} stored of {inMemory * 7}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ByDefault_WatchesAreKeptUnderTheDataDirectory_UnlessNoStore(bool noStore)
    {
        string dataHome = Path.Combine(Path.GetTempPath(), $"leakhound-data-{Guid.NewGuid():N}");
        ProcessResult r = await CliRunner.RunInDataHomeAsync(dataHome,
            ["run", "--interval", "0.1s", "--duration", "1s", "--format", "json", .. (noStore ? ["--no-store"] : Array.Empty<string>()), "--", "sleep", "5"]);

        Assert.True(r.ExitCode == 0, r.Stderr);
        string store = Path.Combine(dataHome, "leakhound", "history.db");
        Assert.Equal(!noStore, File.Exists(store));
        if (!noStore)
        {
            JsonElement watch = Assert.Single(await History(store));
            Assert.Equal("run", watch.GetProperty("command").GetString());
            Assert.True(watch.GetProperty("samples").GetInt64() > 20);
        }
    }

    [Fact]
    public async Task History_WithoutAStore_ExitsTwo()
    {
        ProcessResult r = await CliRunner.RunAsync("history", "--store", NewStore());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no watch history at", r.Stderr);
    }

    [Fact]
    public async Task ReadOnlyFileSystem_HistoryStillReads_AWatchRefusesAnExplicitStore_AndWarnsForTheDefault()
    {
        // A real read-only file system: a tmpfs remounted read-only.
        await using Tmpfs disk = await Tmpfs.MountAsync("8m");
        string mount = disk.Path;
        string store = Path.Combine(mount, "history.db");
        ProcessResult written = await CliRunner.RunAsync("run", "--store", store, "--interval", "0.1s", "--duration", "1s", "--format", "json", "--", "sleep", "5");
        Assert.True(written.ExitCode == 0, written.ToString());
        await disk.MakeReadOnlyAsync();

        // Reading needs no write access: history and analyze work on the read-only copy.
        JsonElement watch = Assert.Single(await History(store));
        ProcessResult analyzed = await CliRunner.RunAsync("analyze", "--store", store, "--watch", watch.GetProperty("id").GetInt64().ToString(), "--format", "json");
        Assert.True(analyzed.ExitCode == 0, analyzed.ToString());
        Assert.Equal(watch.GetProperty("samples").GetInt64(), JsonVerdicts.Parse(analyzed.Stdout).Root.GetProperty("samples").GetInt64());

        // Writing: an explicit --store is a usage error that names the cause, before anything is started.
        ProcessResult refused = await CliRunner.RunAsync("run", "--store", store, "--interval", "0.1s", "--duration", "1s", "--", "sleep", "5");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("Read-only file system", Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));

        // The default store on a read-only data directory (a read-only container image): one warning, the watch goes on.
        ProcessResult inDefault = await CliRunner.RunInDataHomeAsync(mount, "run", "--interval", "0.1s", "--duration", "1s", "--format", "json", "--", "sleep", "5");
        Assert.True(inDefault.ExitCode == 0, inDefault.Stderr);
        Assert.Contains("no watch history this time", inDefault.Stderr);
        Assert.True(JsonVerdicts.Parse(inDefault.Stdout).Series("rss").GetProperty("samples").GetInt64() >= 5);
    }

    [Fact]
    public async Task StoreTurningUnwritableMidWatch_IsReportedOnce_AndTheWatchGoesOnInMemory()
    {
        string store = NewStore();
        // The database and its write-ahead log, not the -shm file: SQLite maps that one into memory, and a page fault on
        // a mapping that may no longer be written is a SIGBUS, which no program can report (SQLite pre-touches its pages
        // so that a full disk cannot cause it).
        string[] files = [store, store + "-wal"];
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[CliRunner.Dll, "run", "--store", store, "--interval", "0.05s", "--duration", "4s", "--format", "json", "--", "sleep", "10"])
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        try
        {
            for (int i = 0; i < 100 && !files.All(File.Exists); i++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(1000);
            // Immutable files (chattr +i): every further write fails, as on a disk gone read-only under the watch.
            ProcessResult frozen = await ChildProcess.RunAsync("chattr", ["+i", .. files]);
            Assert.True(frozen.ExitCode == 0, $"this test needs chattr on the temp folder: {frozen}");
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await ChildProcess.RunAsync("chattr", ["-i", .. files.Where(File.Exists)]);
        }

        string err = await stderr;
        Assert.True(p.ExitCode == 0, err);
        Assert.Single(err.Split('\n'), l => l.Contains("cannot write the watch history") && l.Contains("the watch goes on in memory"));
        long inMemory = JsonVerdicts.Parse(await stdout).Series("rss").GetProperty("samples").GetInt64();
        long stored = (await History(store))[0].GetProperty("samples").GetInt64();
        Assert.True(inMemory >= 60, $"{inMemory} samples in memory");
        Assert.True(stored > 0 && stored < inMemory * 7, $"{stored} stored of {inMemory * 7}");
    }
}
