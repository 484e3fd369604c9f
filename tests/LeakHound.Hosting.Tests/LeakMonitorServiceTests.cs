using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting.Tests;

/// <summary>The sampling loop: a failing read loses a sample, never the service, and is reported once per episode.</summary>
public sealed class LeakMonitorServiceTests
{
    private sealed class FlakySource : LeakHound.Probes.ISignalSource
    {
        public int Reads;
        public bool Disposed;

        public ValueTask ReadAsync(LeakHound.Probes.SignalReadings into, CancellationToken cancel)
        {
            int n = Interlocked.Increment(ref Reads);
            if (n is >= 3 and <= 6)
            {
                throw new IOException("/proc/self/status: no such file");
            }

            into.Add("rss", 100e6);
            return ValueTask.CompletedTask;
        }

        public void Dispose() => Disposed = true;
    }

    [Fact]
    public async Task ReadFailures_AreLoggedOncePerEpisode_AndSamplingGoesOn()
    {
        IOptions<LeakHoundOptions> options = Options.Create(new LeakHoundOptions { SampleInterval = TimeSpan.FromMilliseconds(10), WarmUp = TimeSpan.Zero });
        LeakMonitor monitor = Feeding.Monitor();
        FlakySource source = new();
        CapturingLogger<LeakMonitorService> logger = new();
        using LeakMonitorService service = new(monitor, source, new VerdictChangeLog(options, new CapturingLogger<VerdictChangeLog>()), options, logger);

        await service.StartAsync(CancellationToken.None);
        for (int i = 0; i < 1000 && monitor.SampleCount < 6; i++)
        {
            await Task.Delay(10);
        }

        await service.StopAsync(CancellationToken.None);

        Assert.True(monitor.SampleCount >= 6, $"{monitor.SampleCount} samples");
        Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("no such file"));
        Assert.Single(logger.Entries, e => e.Message == "LeakHound reads this process's signals again");
        Assert.True(source.Disposed);
    }
}
