using LeakHound.Core.Detection;
using LeakHound.Probes.Cgroups;
using LeakHound.Probes.Proc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting;

public static class LeakHoundServiceCollectionExtensions
{
    /// <summary>
    /// Watches this process for leaks: a hosted monitor, a health check (<c>leakhound</c>, tagged <c>leak</c>) that turns
    /// Degraded on a confirmed leak, the <c>LeakHound</c> meter, and logs at verdict changes. Map the health endpoint as
    /// usual, e.g. <c>app.MapHealthChecks("/health")</c>; inject <see cref="LeakMonitor"/> to read verdicts yourself.
    /// </summary>
    public static IServiceCollection AddLeakHound(this IServiceCollection services, Action<LeakHoundOptions>? configure = null)
    {
        OptionsBuilder<LeakHoundOptions> options = services.AddOptions<LeakHoundOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeakHoundOptions>, LeakHoundOptionsValidator>());

        services.TryAddSingleton(sp => CreateMonitor(sp.GetRequiredService<IOptions<LeakHoundOptions>>().Value));
        services.TryAddSingleton<LeakHound.Probes.ISignalSource>(sp => new SelfSignalSource(sp.GetRequiredService<IOptions<LeakHoundOptions>>().Value.WatchRuntime));
        services.TryAddSingleton<VerdictChangeLog>();
        services.TryAddSingleton<LeakHoundMetrics>(sp =>
            new LeakHoundMetrics(sp.GetRequiredService<LeakMonitor>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHostedService<LeakMonitorService>();
        services.AddHostedService<MetricsActivation>();

        LeakHoundOptions registration = new();
        configure?.Invoke(registration);
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            registration.HealthCheckName,
            sp => new LeakHealthCheck(sp.GetRequiredService<LeakMonitor>(), sp.GetRequiredService<IOptions<LeakHoundOptions>>()),
            registration.LeakStatus,
            registration.HealthCheckTags));
        return services;
    }

    private static LeakMonitor CreateMonitor(LeakHoundOptions options)
    {
        int pid = Environment.ProcessId;
        MemoryLimit memory = options.MemoryLimitBytes is { } bytes ? new MemoryLimit(bytes, "MemoryLimitBytes") : MemoryLimits.ForProcess(pid);
        return new LeakMonitor(options.Detector, new Limits(memory.Bytes, FdLimit.ForProcess(pid), TaskLimit.ForProcess(pid), memory.Source));
    }
}
