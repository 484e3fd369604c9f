using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary><c>leakhound heapdiff</c> on real .NET processes leaking like the incidents, and a healthy twin.</summary>
public sealed class HeapDiffCommandTests
{
    private static async Task<(ProcessResult Result, JsonDocument? Json)> DiffAsync(string kind)
    {
        using Process target = CliRunner.Start("demo-target", kind, "--tick", "0.1", "--period", "100", "--max-seconds", "60");
        try
        {
            await Task.Delay(1500);
            ProcessResult r = await CliRunner.RunAsync(["heapdiff", "--pid", target.Id.ToString(), "--interval", "2s", "--format", "json", "--top", "5"], 90);
            return (r, r.Stdout.Length > 0 ? JsonVerdicts.Parse(r.Stdout).Document : null);
        }
        finally
        {
            target.Kill();
        }
    }

    private static JsonElement First(JsonDocument json) => json.RootElement.GetProperty("growing")[0];

    private static string Path(JsonElement growth) => string.Join(" | ", growth.GetProperty("retention_path").EnumerateArray().Select(e => e.GetString()));

    [Fact]
    public async Task UnboundedStaticCache_NamesContactFirst_PathThroughTheStaticField()
    {
        (ProcessResult r, JsonDocument? json) = await DiffAsync("contactcache");

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonElement first = First(json!);
        Assert.Equal("LeakHound.Cli.Demo.Contact", first.GetProperty("type").GetString());
        Assert.InRange(first.GetProperty("count_growth").GetInt64(), 1000, 100_000);
        Assert.StartsWith("static LeakHound.Cli.Demo.UnboundedContactCache.s_contacts", Path(first));
        Assert.EndsWith("LeakHound.Cli.Demo.Contact (via [])", Path(first));
        JsonElement snapshot = json!.RootElement.GetProperty("snapshots")[0];
        Assert.InRange(snapshot.GetProperty("pause_seconds").GetDouble(), 0.01, 30);
    }

    [Fact]
    public async Task HandlerPerReconnect_NamesHandlerFirst_PathThroughTheStaticEvent()
    {
        (ProcessResult r, JsonDocument? json) = await DiffAsync("handlers");

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonElement first = First(json!);
        Assert.Equal("LeakHound.Cli.Demo.ConfirmHandler", first.GetProperty("type").GetString());
        Assert.StartsWith("static LeakHound.Cli.Demo.LeakedSubscriptions.Confirms", Path(first));
    }

    [Fact]
    public async Task TimerPerConnection_NamesItsStateFirst_PathThroughTheTimerQueue()
    {
        (ProcessResult r, JsonDocument? json) = await DiffAsync("timers");

        Assert.True(r.ExitCode == 1, r.ToString());
        JsonElement first = First(json!);
        Assert.Equal("LeakHound.Cli.Demo.KeepAlive", first.GetProperty("type").GetString());
        Assert.Contains("TimerQueue", Path(first));
    }

    [Fact]
    public async Task BoundedLruTwin_NoTypeGrows()
    {
        (ProcessResult r, JsonDocument? json) = await DiffAsync("contactcache-lru");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(0, json!.RootElement.GetProperty("growing").GetArrayLength());
    }

    [Fact]
    public async Task NotDotnet_ExitsThree()
    {
        using Process sleep = Process.Start("sleep", "20");
        try
        {
            ProcessResult r = await CliRunner.RunAsync("heapdiff", "--pid", sleep.Id.ToString(), "--interval", "1s");

            Assert.Equal(3, r.ExitCode);
            Assert.Contains("not a .NET process", r.Stderr);
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public async Task MissingPid_ExitsThree()
    {
        ProcessResult r = await CliRunner.RunAsync("heapdiff", "--pid", "999999999");

        Assert.Equal(3, r.ExitCode);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
