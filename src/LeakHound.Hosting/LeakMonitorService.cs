using System.Diagnostics;
using LeakHound.Probes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting;

/// <summary>Samples the service's own signals on a timer and feeds the <see cref="LeakMonitor"/>.</summary>
internal sealed partial class LeakMonitorService(
    LeakMonitor monitor, ISignalSource source, VerdictChangeLog changeLog, IOptions<LeakHoundOptions> options, ILogger<LeakMonitorService> logger)
    : BackgroundService
{
    private readonly LeakHoundOptions _options = options.Value;
    private readonly SignalReadings _readings = new(0);
    private readonly Stopwatch _clock = new();
    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        monitor.Sampled += changeLog.Observe;
        try
        {
            if (_options.WarmUp > TimeSpan.Zero)
            {
                await Task.Delay(_options.WarmUp, stoppingToken);
            }

            LogStarted(logger, _options.SampleInterval.TotalSeconds, _options.Detector.MinSpanSeconds);
            using PeriodicTimer timer = new(_options.SampleInterval);
            _clock.Start();
            do
            {
                await SampleOnceAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // the host is stopping
        }
        finally
        {
            monitor.Sampled -= changeLog.Observe;
            source.Dispose();
        }
    }

    private async Task SampleOnceAsync(CancellationToken cancel)
    {
        // Seconds since monitoring began: the verdicts' times (detected at, at) read as the monitor's age.
        _readings.Reset(_clock.Elapsed.TotalSeconds, readCostly: false);
        try
        {
            await source.ReadAsync(_readings, cancel);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Any failure: a watchdog must never take the service down (an escaped exception stops the host).
            // A failed read loses one sample: report the episode once, and its end once.
            if (!_failing)
            {
                LogReadFailed(logger, e.Message);
                _failing = true;
            }

            return;
        }

        if (_failing)
        {
            LogReadRecovered(logger);
            _failing = false;
        }

        monitor.Record(_readings);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "LeakHound watching this process every {IntervalSeconds}s (minimum span {MinSpanSeconds}s before any verdict)")]
    private static partial void LogStarted(ILogger logger, double intervalSeconds, double minSpanSeconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "LeakHound cannot read this process's signals: {Error}; sampling continues")]
    private static partial void LogReadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "LeakHound reads this process's signals again")]
    private static partial void LogReadRecovered(ILogger logger);
}
