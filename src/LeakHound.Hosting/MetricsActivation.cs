using Microsoft.Extensions.Hosting;

namespace LeakHound.Hosting;

/// <summary>Creates the meter when the host starts: a singleton nobody asks for would otherwise never publish.</summary>
internal sealed class MetricsActivation(LeakHoundMetrics metrics) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        GC.KeepAlive(metrics);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
