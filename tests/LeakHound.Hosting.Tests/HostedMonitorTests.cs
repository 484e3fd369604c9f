using LeakHound.Core.Verdicts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting.Tests;

/// <summary>AddLeakHound in a real generic host, sampling this very process through /proc and the runtime.</summary>
public sealed class HostedMonitorTests
{
    private static IHost Build(Action<LeakHoundOptions> configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder();
        builder.Services.AddLeakHound(configure);
        return builder.Build();
    }

    [Fact]
    public async Task Monitor_SamplesOwnProcessSignals_AndTheHealthCheckIsRegistered()
    {
        using IHost host = Build(o => { o.SampleInterval = TimeSpan.FromMilliseconds(50); o.WarmUp = TimeSpan.Zero; });
        GC.Collect(); // so that the live-after-full-GC series has a collection to report
        await host.StartAsync();
        LeakMonitor monitor = host.Services.GetRequiredService<LeakMonitor>();
        for (int i = 0; i < 200 && monitor.SampleCount < 5; i++)
        {
            await Task.Delay(50);
        }

        HealthReport report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync();

        Assert.True(monitor.SampleCount >= 5, $"{monitor.SampleCount} samples");
        string[] series = monitor.Verdicts.Select(v => v.Series).ToArray();
        Assert.Subset(new HashSet<string>(series), new HashSet<string> { "rss", "anon", "threads", "fds", SelfSignalSource.LiveAfterFullGc, "dotnet_timers", "dotnet_threadpool_threads" });
        Assert.All(monitor.Verdicts, v => Assert.Equal(Verdict.Insufficient, v.Verdict)); // 5-minute span by default
        Assert.True(monitor.Verdicts.Single(v => v.Series == "rss").Current > 10e6);
        HealthReportEntry entry = report.Entries["leakhound"];
        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Contains("leak", entry.Tags);
        Assert.Contains("verdicts need 5m 0s", entry.Description);
    }

    [Fact]
    public async Task StoppedHost_StopsSampling()
    {
        using IHost host = Build(o => { o.SampleInterval = TimeSpan.FromMilliseconds(20); o.WarmUp = TimeSpan.Zero; });
        await host.StartAsync();
        LeakMonitor monitor = host.Services.GetRequiredService<LeakMonitor>();
        for (int i = 0; i < 500 && monitor.SampleCount < 3; i++)
        {
            await Task.Delay(20);
        }

        await host.StopAsync();
        long stoppedAt = monitor.SampleCount;
        await Task.Delay(300);

        Assert.True(stoppedAt > 0);
        Assert.Equal(stoppedAt, monitor.SampleCount);
    }

    [Fact]
    public async Task InvalidOptions_FailAtStartWithAClearMessage()
    {
        using IHost host = Build(o => o.SampleInterval = TimeSpan.Zero);

        OptionsValidationException e = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("LeakHound: SampleInterval must be positive", e.Message);
    }
}
