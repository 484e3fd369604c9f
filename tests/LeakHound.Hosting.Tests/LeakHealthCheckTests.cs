using LeakHound.Core.Verdicts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting.Tests;

/// <summary>The health check over the monitor's verdicts, fed synthetic shapes.</summary>
public sealed class LeakHealthCheckTests
{
    private static LeakHealthCheck Check(LeakMonitor monitor, Action<LeakHoundOptions>? configure = null)
    {
        LeakHoundOptions options = new() { Detector = Feeding.Fast };
        configure?.Invoke(options);
        return new LeakHealthCheck(monitor, Options.Create(options));
    }

    [Fact]
    public void Leak_IsDegraded_WithRateIntervalAndTimeToLimit()
    {
        LeakMonitor monitor = Feeding.Monitor();
        monitor.Feed(Feeding.Leaking(240));

        HealthCheckResult result = Check(monitor).Check(monitor.Verdicts);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("rss leaking at +", result.Description);
        Assert.Matches(@"MiB/min \[\+[\d.]+ MiB, \+[\d.]+ MiB\]", result.Description);
        Assert.Contains("reaches its limit 3.73 GiB in about", result.Description);
        Assert.DoesNotContain("threads", result.Description);
        Assert.StartsWith("stable", (string)result.Data["threads"]);
        Assert.StartsWith("leak", (string)result.Data["rss"]);
    }

    [Fact]
    public void Healthy_Sawtooth_IsNeverDegraded_AtAnyPointOnTheWay()
    {
        LeakMonitor monitor = Feeding.Monitor();
        LeakHealthCheck check = Check(monitor);
        foreach ((double t, List<KeyValuePair<string, double>> readings) in Feeding.Healthy(600))
        {
            monitor.Record(t, readings);
            Assert.Equal(HealthStatus.Healthy, check.Check(monitor.Verdicts).Status);
        }

        Assert.StartsWith("no leak: rss", check.Check(monitor.Verdicts).Description);
    }

    [Fact]
    public void BeforeTheMinimumSpan_IsHealthy_AndSaysItIsWaiting()
    {
        LeakMonitor monitor = Feeding.Monitor();
        LeakHealthCheck check = Check(monitor);
        Assert.Equal("no samples yet (warming up)", check.Check(monitor.Verdicts).Description);

        monitor.Feed(Feeding.Leaking(30));
        HealthCheckResult result = check.Check(monitor.Verdicts);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Contains("verdicts need 1m 0s", result.Description);
    }

    [Fact]
    public void HealthSeries_LimitsWhichLeaksCount_AndLeakStatusIsConfigurable()
    {
        LeakMonitor monitor = Feeding.Monitor();
        monitor.Feed(Feeding.Leaking(240));

        Assert.Equal(HealthStatus.Healthy, Check(monitor, o => o.HealthSeries.Add("threads")).Check(monitor.Verdicts).Status);
        Assert.Equal(HealthStatus.Unhealthy, Check(monitor, o => o.LeakStatus = HealthStatus.Unhealthy).Check(monitor.Verdicts).Status);
    }

    [Fact]
    public void WithoutALimit_TheDescriptionHasTheRateOnly()
    {
        LeakMonitor monitor = new(Feeding.Fast, Core.Detection.Limits.None);
        monitor.Feed(Feeding.Leaking(240));

        HealthCheckResult result = Check(monitor).Check(monitor.Verdicts);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.EndsWith("(95% CI)", result.Description);
        Assert.Equal(Verdict.Leak, monitor.Verdicts.Single(v => v.Series == "rss").Verdict);
    }
}
