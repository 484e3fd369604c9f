namespace LeakHound.Cli.Tests;

/// <summary>.NET runtime counters over EventPipe from a real .NET target, attached without changing or restarting it.</summary>
public sealed class RuntimeCountersTests
{
    private static string[] Run(string[] options, string kind, params string[] args) =>
        ["run", "--interval", "0.25s", "--min-span", "8s", "--format", "json", .. options, "--",
         "dotnet", CliRunner.Dll, "demo-target", kind, "--max-seconds", "60", .. args];

    [Fact]
    public async Task ManagedLeak_GcHeapIsLeak_AndRssSplitIsReported()
    {
        // At 100× a service's pace the target asks for the full collections a service would get every few minutes: the
        // heap's leak verdict needs them (see LargeGarbage_… below).
        ProcessResult r = await CliRunner.RunAsync(Run(["--duration", "16s"], "leak", "--tick", "0.05", "--bytes-per-tick", "131072", "--full-gc-every", "1"), 90);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("reading .NET runtime counters", r.Stderr);
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("leak", json.Verdict("dotnet_gc_heap_size_bytes"));
        Assert.Equal("bytes", json.Series("dotnet_gc_heap_size_bytes").GetProperty("unit").GetString());
        Assert.InRange(json.Series("dotnet_gc_heap_size_bytes").GetProperty("slope_per_second").GetDouble(), 1e6, 4e6); // 2.6 MB/s kept
        Assert.True(json.Series("dotnet_threadpool_threads").GetProperty("samples").GetInt32() > 5);
        Assert.NotEqual("leak", json.Verdict("dotnet_non_managed_bytes"));

        // The first full collection comes early in a young process: what survived it is read from the GC events.
        double live = json.Series("dotnet_gc_live_after_full_gc_bytes").GetProperty("current").GetDouble();
        Assert.InRange(live, 1e5, json.Series("dotnet_gc_heap_size_bytes").GetProperty("current").GetDouble());
        Assert.Equal("bytes", json.Series("dotnet_gc_live_after_full_gc_bytes").GetProperty("unit").GetString());
    }

    /// <summary>
    /// Healthy: a 200 MB warm cache, then a large buffer per request dropped at once. The big live heap makes the GC put
    /// full collections off, so the heap climbs with garbage for the whole watch (before the full-collection evidence,
    /// this was called a leak after 12 s). Why it is not a leak may also be the rise slowing down, so the reason is not
    /// checked here; that the evidence is gathered from the real GC events shows in the managed leak above.
    /// </summary>
    [Fact]
    public async Task LargeGarbage_HeapClimbingBetweenFullCollections_IsNotCalledLeak()
    {
        ProcessResult r = await CliRunner.RunAsync(Run(["--duration", "20s"], "lohgarbage", "--tick", "0.05", "--period", "1600", "--bytes-per-tick", "131072"), 90);

        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        System.Text.Json.JsonElement heap = json.Series("dotnet_gc_heap_size_bytes");
        Assert.True(heap.GetProperty("detected_at_seconds").ValueKind == System.Text.Json.JsonValueKind.Null, r.ToString());
        Assert.NotEqual("leak", json.Verdict("dotnet_gc_heap_size_bytes"));
        Assert.True(heap.GetProperty("slope_per_second").GetDouble() > 0, "the heap does climb");
    }

    [Fact]
    public async Task NativeChurn_ShowsOutsideTheManagedHeap()
    {
        ProcessResult r = await CliRunner.RunAsync(Run(["--duration", "16s"], "sawtooth", "--tick", "0.05", "--period", "40", "--bytes-per-tick", "1048576"), 90);

        // The churn is native memory: the split puts it outside the managed heap, which stays small.
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.NotEqual("leak", json.Verdict("dotnet_non_managed_bytes"));
        Assert.True(json.Series("dotnet_non_managed_bytes").GetProperty("samples").GetInt32() >= 20);
        Assert.InRange(json.Series("dotnet_gc_heap_size_bytes").GetProperty("current").GetDouble(), 1, 20e6);
        Assert.True(json.Series("dotnet_non_managed_bytes").GetProperty("current").GetDouble() > 30e6, "the native churn shows outside the managed heap");
    }

    [Fact]
    public async Task NonDotnetTarget_NoRuntimeSeries_NoNotice()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.2s", "--duration", "3s", "--format", "json", "--", "sleep", "10");

        Assert.DoesNotContain("runtime counters", r.Stderr);
        Assert.DoesNotContain("dotnet_", r.Stdout);
    }

    [Fact]
    public async Task NoRuntimeCounters_Option_SkipsEventPipe()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--interval", "0.2s", "--duration", "3s", "--format", "json", "--no-runtime-counters", "--",
            "dotnet", CliRunner.Dll, "demo-target", "threadpool", "--max-seconds", "10");

        Assert.DoesNotContain("dotnet_gc_heap_size_bytes", r.Stdout);
    }

    [Fact]
    public async Task HeapDiffOnLeak_NamesTheLeakingTypeInTheWatchOutput_AndInTheReport()
    {
        string report = Path.Combine(Path.GetTempPath(), $"leakhound-report-{Guid.NewGuid():N}.html");
        ProcessResult r = await CliRunner.RunAsync(Run(["--duration", "60s", "--until-verdict", "--heapdiff-on-leak", "--report", report], "contactcache", "--tick", "0.1", "--period", "300", "--full-gc-every", "1"), 120);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("taking a heap diff", r.Stderr);
        JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
        Assert.Equal("leak", json.Verdict("dotnet_gc_heap_size_bytes"));
        System.Text.Json.JsonElement diff = json.Root.GetProperty("targets")[0].GetProperty("heap_diff");
        System.Text.Json.JsonElement first = diff.GetProperty("growing")[0];
        Assert.Equal("LeakHound.Cli.Demo.Contact", first.GetProperty("type").GetString());
        Assert.StartsWith("static LeakHound.Cli.Demo.UnboundedContactCache.s_contacts", first.GetProperty("retention_path")[0].GetString());
        string html = await File.ReadAllTextAsync(report);
        Assert.Contains("\"heap_diffs\":[{\"target\"", html);
        Assert.Contains("\"type\":\"LeakHound.Cli.Demo.Contact\"", html);
    }

    [Fact]
    public async Task HeapDiffOnLeak_WithoutRuntimeCounters_IsUsageError()
    {
        ProcessResult r = await CliRunner.RunAsync("run", "--heapdiff-on-leak", "--no-runtime-counters", "--", "sleep", "1");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--heapdiff-on-leak", r.Stderr);
    }
}
