using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Hosting.Tests;

/// <summary>
/// A real ASP.NET Core service with AddLeakHound on 127.0.0.1, driven over HTTP. Time is compressed (0.1 s samples,
/// a span of seconds instead of minutes), the same way the CLI integration tests compress it.
/// </summary>
public sealed class SampleServiceTests
{
    /// <summary>Requests at about 40/s to <paramref name="path"/>, reading /health twice a second, until
    /// <paramref name="stop"/> says so or <paramref name="seconds"/> pass. Returns every health status seen.</summary>
    private static async Task<List<(string Status, string Description)>> LoadAsync(ServiceProcess service, string path, double seconds, Func<string, bool> stop)
    {
        List<(string, string)> seen = [];
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan nextHealth = TimeSpan.Zero;
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            (await service.Client.GetAsync(path)).Dispose();
            if (clock.Elapsed >= nextHealth)
            {
                (string status, string description, _) = await service.HealthAsync();
                seen.Add((status, description));
                if (stop(status))
                {
                    break;
                }

                nextHealth = clock.Elapsed + TimeSpan.FromSeconds(0.5);
            }

            await Task.Delay(25);
        }

        return seen;
    }

    [Fact]
    public async Task LeakingEndpoint_TurnsHealthDegraded_WithTheRate_AndLogsTheLeakOnce()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync("--interval", "0.1s", "--min-span", "8s", "--warmup", "2s");

        List<(string Status, string Description)> seen = await LoadAsync(service, "/leak?kb=64", 60, status => status == "Degraded");
        (string status, string description, JsonElement data) = await service.HealthAsync();

        Assert.True(status == "Degraded", $"{status}: {description}\n{service.Output}");
        Assert.Matches(@"leaking at \+[\d.]+ (KiB|MiB)/min \[\+[\d.]+ (KiB|MiB), \+[\d.]+ (KiB|MiB)\] \(95% CI\), reaches its limit .* in about ", description);
        Assert.Contains(new[] { "rss", "anon", SelfSignalSource.LiveAfterFullGc },
            s => data.TryGetProperty(s, out JsonElement d) && d.GetString()!.StartsWith("leak:", StringComparison.Ordinal));
        Assert.All(seen.SkipLast(1), s => Assert.Equal("Healthy", s.Status));
        await Task.Delay(500); // the console logger writes on its own thread
        Assert.Contains("Leak in ", service.Output);
    }

    [Fact]
    public async Task HealthyTwin_StaysHealthy_UnderTheSameLoad()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync("--interval", "0.1s", "--min-span", "12s", "--warmup", "2s", "--negligible", "100%/min");

        List<(string Status, string Description)> seen = await LoadAsync(service, "/work?kb=64", 24, _ => false);
        (string status, string description, JsonElement data) = await service.HealthAsync();

        Assert.All(seen, s => Assert.True(s.Status == "Healthy", $"{s.Status}: {s.Description}\n{service.Output}"));
        Assert.True(status == "Healthy", description);
        Assert.StartsWith("no leak: ", description); // verdicts were given, not just "waiting"
        Assert.DoesNotContain("Leak in ", service.Output);
        Assert.False(data.GetProperty("rss").GetString()!.StartsWith("leak", StringComparison.Ordinal));
    }

    /// <summary>
    /// The heap diff of the leaking endpoint names System.Byte[] with the path of a buffer that is new since the first
    /// snapshot — the app's queue — not of one LeakHound.Hosting's own sampler has held from the start (ProcFile's).
    /// </summary>
    [Fact]
    public async Task HeapDiffOfTheLeakingEndpoint_LeadsToTheAppsQueue_NotToLeakHoundsOwnBuffers()
    {
        await using ServiceProcess service = await ServiceProcess.StartAsync("--interval", "0.1s", "--min-span", "60s");
        using CancellationTokenSource stop = new(TimeSpan.FromSeconds(60));
        Task load = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (await service.Client.GetAsync("/leak?kb=64")).Dispose();
                await Task.Delay(20);
            }
        });

        Probes.DotNet.Heap.HeapDiffResult diff = await Probes.DotNet.Heap.HeapDiffRunner.RunAsync(service.Pid, 3, 2, 10, Path.GetTempPath(), _ => { }, CancellationToken.None);
        await stop.CancelAsync();
        await load.ContinueWith(_ => { }, TaskScheduler.Default);

        Probes.DotNet.Heap.TypeGrowth bytes = Assert.Single(diff.Growing, g => g.Type == "System.Byte[]");
        string path = string.Join(" → ", bytes.RetentionPath ?? []);
        Assert.True(path.Contains("ConcurrentQueue", StringComparison.Ordinal), path);
        Assert.DoesNotContain("ProcFile", path);
    }
}
