using System.Diagnostics.Metrics;

namespace LeakHound.Hosting.Tests;

/// <summary>The verdicts as System.Diagnostics.Metrics instruments, read the way an exporter reads them.</summary>
public sealed class LeakHoundMetricsTests
{
    [Fact]
    public void Instruments_CarryValueSlopeLeakFlagAndTimeToLimit_PerSeries()
    {
        LeakMonitor monitor = Feeding.Monitor();
        monitor.Feed(Feeding.Leaking(240));
        using LeakHoundMetrics metrics = new(monitor);
        Dictionary<(string Instrument, string Series), double> seen = [];
        using MeterListener listener = new();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            seen[(instrument.Name, (string)tags[0].Value!)] = value);
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, seen[("leakhound.signal.leaking", "rss")]);
        Assert.Equal(0, seen[("leakhound.signal.leaking", "threads")]);
        Assert.InRange(seen[("leakhound.signal.slope", "rss")], 0.8 * (1 << 20), 1.2 * (1 << 20));
        Assert.True(seen[("leakhound.signal.time_to_limit", "rss")] > 0);
        Assert.False(seen.ContainsKey(("leakhound.signal.time_to_limit", "threads")));
        Assert.Equal(20, seen[("leakhound.signal.value", "threads")]);
        Assert.Equal((int)Core.Verdicts.Verdict.Leak, seen[("leakhound.signal.verdict", "rss")]);
    }
}
