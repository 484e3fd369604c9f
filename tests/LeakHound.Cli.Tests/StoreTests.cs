using System.Diagnostics;
using System.Text.Json;
using LeakHound.Probes.Proc;

namespace LeakHound.Cli.Tests;

/// <summary>The SQLite watch history: survives SIGKILL and resumes, re-analyses, and a full store never stops a watch.</summary>
public sealed class StoreTests
{
    private static string NewStore() => Path.Combine(Path.GetTempPath(), $"leakhound-store-{Guid.NewGuid():N}", "history.db");

    private static async Task<JsonElement[]> History(string store)
    {
        CliRunner.Result r = await CliRunner.RunAsync("history", "--store", store, "--format", "json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return [.. JsonDocument.Parse(r.Stdout).RootElement.GetProperty("watches").EnumerateArray()];
    }

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

            CliRunner.Result resumed = await CliRunner.RunAsync("watch", "--pid", target.Id.ToString(), "--store", store, "--resume",
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

            CliRunner.Result analyzed = await CliRunner.RunAsync("analyze", "--store", store, "--watch", after.GetProperty("id").GetInt64().ToString(), "--min-span", "1s", "--format", "json");
            Assert.True(analyzed.ExitCode is 0 or 1, analyzed.ToString());
            Assert.Equal(rssSamples, JsonVerdicts.Parse(analyzed.Stdout).Series("rss").GetProperty("samples").GetInt64());
        }
        finally
        {
            target.Kill();
        }
    }

    [Fact]
    public async Task FullStore_IsReportedOnce_AndTheWatchGoesOnInMemory()
    {
        string store = NewStore();
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[CliRunner.Dll, "run", "--store", store, "--interval", "0.02s", "--duration", "4s", "--format", "json", "--", "sleep", "10"])
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LEAKHOUND_STORE_MAX_PAGES"] = "12"; // a store of at most 48 KiB: full after a few hundred samples
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        string err = await stderr;

        Assert.True(p.ExitCode == 0, err);
        Assert.Single(err.Split('\n'), l => l.Contains("cannot write the watch history") && l.Contains("full") && l.Contains("the watch goes on in memory"));
        long inMemory = JsonVerdicts.Parse(await stdout).Series("rss").GetProperty("samples").GetInt64();
        long stored = (await History(store))[0].GetProperty("samples").GetInt64();
        Assert.True(inMemory > 150, $"{inMemory} samples in memory");
        Assert.True(stored < inMemory * 7, $"{stored} stored of {inMemory * 7}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ByDefault_WatchesAreKeptUnderTheDataDirectory_UnlessNoStore(bool noStore)
    {
        string dataHome = Path.Combine(Path.GetTempPath(), $"leakhound-data-{Guid.NewGuid():N}");
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in (string[])[CliRunner.Dll, "run", "--interval", "0.1s", "--duration", "1s", "--format", "json", .. (noStore ? ["--no-store"] : Array.Empty<string>()), "--", "sleep", "5"])
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["XDG_DATA_HOME"] = dataHome;
        using Process p = Process.Start(info)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        _ = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(p.ExitCode == 0, await stderr);
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
        CliRunner.Result r = await CliRunner.RunAsync("history", "--store", NewStore());

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no watch history at", r.Stderr);
    }
}
