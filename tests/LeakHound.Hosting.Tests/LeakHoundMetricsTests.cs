using System.Diagnostics.Metrics;

namespace LeakHound.Hosting.Tests;

/// <summary>The verdicts as System.Diagnostics.Metrics instruments, read the way an exporter reads them.</summary>
public sealed class LeakHoundMetricsTests
{
    [Fact]
    public void Instruments_AreTheVocabularyOfAWatchsMetrics()
    {
        LeakMonitor monitor = Feeding.Monitor();
        using LeakHoundMetrics metrics = new(monitor);
        List<string> published = [];
        using MeterListener listener = new();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                published.Add(instrument.Name);
            }
        };
        listener.Start();

        Assert.Equal([.. Core.Verdicts.VerdictMetric.Gauges.Select(g => g.Name), Core.Verdicts.VerdictMetric.Verdict.Name], published);
    }

    [Fact]
    public void Instruments_CarryValueSlopeLeakFlagAndTimeToLimit_PerSeries()
    {
        LeakMonitor monitor = Feeding.Monitor();
        monitor.Feed(Feeding.Leaking(240));
        using LeakHoundMetrics metrics = new(monitor);
        Dictionary<(string Instrument, string Series), double> seen = [];
        Dictionary<(string Series, string Verdict), double> verdicts = [];
        List<string> tagNames = [];
        using MeterListener listener = new();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            Dictionary<string, string> t = [];
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                t[tag.Key] = (string)tag.Value!;
            }

            tagNames = [.. t.Keys];
            if (t.TryGetValue("verdict", out string? verdict))
            {
                verdicts[(t["series"], verdict)] = value;
            }
            else
            {
                seen[(instrument.Name, t["series"])] = value;
            }
        });
        listener.Start();

        listener.RecordObservableInstruments();

        Assert.Equal(1, seen[("leakhound.signal.leaking", "rss")]);
        Assert.Equal(0, seen[("leakhound.signal.leaking", "threads")]);
        Assert.InRange(seen[("leakhound.signal.slope", "rss")], 0.8 * (1 << 20), 1.2 * (1 << 20));
        Assert.True(seen[("leakhound.signal.time_to_limit", "rss")] > 0);
        Assert.False(seen.ContainsKey(("leakhound.signal.time_to_limit", "threads")));
        Assert.Equal(20, seen[("leakhound.signal.value", "threads")]);
        // The verdict is one-hot, as on a watch's /metrics: one series per verdict, 1 for the current one.
        Assert.Equal(1, verdicts[("rss", "leak")]);
        Assert.Equal(0, verdicts[("rss", "sawtooth")]);
        Assert.Equal(1, verdicts.Where(v => v.Key.Series == "rss").Sum(v => v.Value));
        Assert.Equal(1, verdicts[("threads", "stable")] + verdicts[("threads", "insufficient")]);
        Assert.DoesNotContain("target", tagNames);
        Assert.Contains("unit", tagNames);
    }
}
