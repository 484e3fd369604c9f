using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>
/// <c>watch --cgroup</c> on real v1 memory cgroups: the kernel's OOM kill at the cgroup's limit, reported with how close
/// the projected time to the limit was; page cache that fills and is not a leak; a service restarted three times in
/// its cgroup while leaking, one watch with three restart marks and a leak.
/// </summary>
public sealed class CgroupWatchTests
{
    private const long Mib = 1 << 20;

    /// <summary>A perl that holds one more MiB every <paramref name="seconds"/> (a steady leak of anonymous memory), for at most 120 s.</summary>
    private static string Leaker(double seconds, int maxMib = 1000) =>
        $"perl -e 'my @held; for (1..{maxMib}) {{ push @held, \"x\" x (1 << 20); select(undef, undef, undef, {seconds}) }}'";

    private static string[] Watch(string cgroup, double durationSeconds) =>
        ["watch", "--cgroup", cgroup, "--interval", "0.2s", "--min-span", "4s", "--duration", $"{durationSeconds}s", "--format", "json", "--no-store"];

    [Fact]
    public async Task ALeakKilledByTheKernelAtTheCgroupLimit_IsReported_AndItsProjectedTimeWasClose()
    {
        Assert.True(TestCgroup.Available, "needs root and the cgroup v1 memory controller (platform facts)");
        using TestCgroup cgroup = new(limitBytes: 160 * Mib);
        using Process leaker = cgroup.Start(Leaker(0.125)); // 8 MiB/s: the limit in about 20 s
        Stopwatch started = Stopwatch.StartNew();

        ProcessResult r = await CliRunner.RunAsync(Watch(cgroup.Name, 30), 90);

        Assert.True(leaker.HasExited && started.Elapsed < TimeSpan.FromSeconds(40), "the kernel killed the leaker at the limit");
        Assert.Contains("OOM-killed", r.Stderr);
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        JsonElement target = json.Root.GetProperty("targets")[0];
        Assert.Equal(160 * Mib, target.GetProperty("memory_limit_bytes").GetDouble());
        Assert.Contains($"memory.limit_in_bytes of /{cgroup.Name}", target.GetProperty("memory_limit_source").GetString());
        JsonElement kill = Assert.Single(target.GetProperty("oom_kills").EnumerateArray());
        double error = kill.GetProperty("projection_error").GetDouble();
        double warning = kill.GetProperty("at_seconds").GetDouble() - kill.GetProperty("projected_from_seconds").GetDouble();
        Assert.True(error <= 0.25, $"projected {kill.GetProperty("projected_at_seconds").GetDouble():0.0}s, killed at {kill.GetProperty("at_seconds").GetDouble():0.0}s: off by {error:P0} of the warning");
        Assert.True(warning >= 5, $"the warning came {warning:0.0}s before the kill");
        Assert.Equal("working_set", kill.GetProperty("series").GetString());
        Assert.Equal("leak", json.Verdict("cgroup_anon"));
        Assert.Equal(1, r.ExitCode);
    }

    [Fact]
    public async Task AProcessThatOnlyReadsAndWritesAFile_GrowsPageCache_AndIsNotALeak()
    {
        Assert.True(TestCgroup.Available, "needs root and the cgroup v1 memory controller (platform facts)");
        using TestCgroup cgroup = new(limitBytes: 2048 * Mib);
        string file = Path.Combine(Path.GetTempPath(), $"{cgroup.Name}.bin");
        try
        {
            // 2 MiB appended every 0.1 s and read back twice (a second read makes the pages active): the page cache and
            // the working set climb steadily; the process's own memory does not.
            using Process writer = cgroup.Start(
                $"perl -e 'open(my $w, \">>\", \"{file}\"); open(my $r, \"<\", \"{file}\"); my $chunk = \"y\" x (1 << 20); for my $i (0..199) {{ print $w $chunk for 1..2; $w->flush; "
                + "for (1..2) { seek($r, $i * 2 * (1 << 20), 0); read($r, my $buf, 1 << 20) for 1..2 } select(undef, undef, undef, 0.1) } sleep 60'");

            ProcessResult r = await CliRunner.RunAsync(Watch(cgroup.Name, 14), 60);

            JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
            Assert.True(json.Series("page_cache").GetProperty("current").GetDouble() >= 150 * Mib, "the file's pages are charged to the cgroup");
            Assert.All(json.Root.GetProperty("verdicts").EnumerateArray().Where(v => !v.GetProperty("series").GetString()!.Contains('{')),
                v => Assert.True(v.GetProperty("verdict").GetString() != "leak", $"{v.GetProperty("series")}: {v.GetProperty("reason")}"));
            JsonElement workingSet = json.Series("working_set");
            Assert.True(workingSet.GetProperty("reason").GetString()!.Contains("only because of page cache", StringComparison.Ordinal), workingSet.ToString());
            Assert.True(workingSet.GetProperty("time_to_limit_seconds").GetDouble() > 0, "the working set's time to the limit is still told");
            Assert.Equal(2048 * Mib, workingSet.GetProperty("limit").GetDouble());
            Assert.Equal(0, r.ExitCode);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task AServiceRestartedThreeTimesWhileLeaking_IsOneWatch_WithThreeRestarts_AndALeak()
    {
        Assert.True(TestCgroup.Available, "needs root and the cgroup v1 memory controller (platform facts)");
        using TestCgroup cgroup = new();
        string store = StoreHistory.NewStore();
        string report = Path.Combine(Path.GetTempPath(), $"{cgroup.Name}.html");
        Task<ProcessResult> watching = CliRunner.RunAsync([.. Watch(cgroup.Name, 40).Where(a => a != "--no-store"), "--store", store, "--report", report], 90);
        await Task.Delay(1500); // the watch has begun, on an empty cgroup
        for (int run = 0; run < 4; run++)
        {
            // Its supervisor (this test) starts the service in the cgroup, and it is killed after 8 s: restarted three times.
            using Process service = cgroup.Start(Leaker(0.05));
            await Task.Delay(TimeSpan.FromSeconds(8));
            cgroup.KillAll();
            await service.WaitForExitAsync();
            await Task.Delay(300);
        }

        ProcessResult r = await watching;

        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal(3, json.Root.GetProperty("targets")[0].GetProperty("restarts").GetInt32());
        JsonElement[] marks = [.. json.Root.GetProperty("timeline_marks").EnumerateArray()];
        Assert.Equal(3, marks.Count(m => m.GetProperty("kind").GetString() == "restart"));
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Count(r.Stderr, "restarted at t="));
        Assert.Equal("leak", json.Verdict("cgroup_anon"));
        Assert.Equal(1, r.ExitCode);

        // The history and the report carry the same three restarts.
        JsonElement watch = Assert.Single(await StoreHistory.History(store));
        Assert.Equal(3, watch.GetProperty("restarts").GetArrayLength());
        Assert.Equal(3, File.ReadAllText(report).Split("\"kind\":\"restart\"").Length - 1);
        File.Delete(report);
    }

    /// <summary><c>watch --pid</c> and <c>run</c> take the limit of the target's own cgroup, not the watcher's.</summary>
    [Fact]
    public async Task AWatchedProcessInACgroup_IsHeldToItsCgroupsLimit_NotTheWatchers()
    {
        Assert.True(TestCgroup.Available, "needs root and the cgroup v1 memory controller (platform facts)");
        using TestCgroup cgroup = new(limitBytes: 300 * Mib);
        using Process sleeper = cgroup.Start("sleep 30");
        await Task.Delay(200);

        ProcessResult r = await CliRunner.RunAsync(["watch", "--pid", sleeper.Id.ToString(), "--interval", "0.2s", "--duration", "1s", "--format", "json", "--no-store", "--no-runtime-counters"], 30);

        JsonElement target = JsonVerdicts.Parse(r.Stdout).Root.GetProperty("targets")[0];
        Assert.Equal(300 * Mib, target.GetProperty("memory_limit_bytes").GetDouble());
        Assert.Equal($"cgroup v1 memory.limit_in_bytes of /{cgroup.Name}", target.GetProperty("memory_limit_source").GetString());
        Assert.Equal(JsonValueKind.Null, target.GetProperty("cgroup").ValueKind);
    }

    [Theory]
    [InlineData("--cgroup", "no-such-cgroup-here", "no cgroup 'no-such-cgroup-here'")]
    [InlineData("--unit", "no-such.service", "no cgroup for unit 'no-such.service'")]
    [InlineData("--container", "zz", "give a container ID or a prefix of at least 4 hex digits")]
    [InlineData("--container", "abcdef0123", "no container 'abcdef0123'")]
    public async Task ACgroupThatIsNotThere_IsOneLine_AndExit3(string option, string value, string message)
    {
        ProcessResult r = await CliRunner.RunAsync(["watch", option, value, "--duration", "1s", "--no-store"], 30);

        Assert.Equal(3, r.ExitCode);
        Assert.Contains(message, Assert.Single(r.Stderr.Trim().Split('\n')));
    }

    [Fact]
    public async Task BothAPidAndACgroup_IsAUsageError()
    {
        ProcessResult r = await CliRunner.RunAsync(["watch", "--pid", "1", "--cgroup", "x", "--duration", "1s", "--no-store"], 30);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("give what to watch", r.Stderr);
    }
}
