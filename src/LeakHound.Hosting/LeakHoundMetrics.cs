using System.Diagnostics.Metrics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Hosting;

/// <summary>
/// The monitor's verdicts as <see cref="System.Diagnostics.Metrics"/> instruments (meter <c>LeakHound</c>), so an
/// OpenTelemetry or Prometheus exporter in the service carries them. All are observable: nothing is recorded between
/// collections, so an unscraped meter costs nothing.
/// </summary>
internal sealed class LeakHoundMetrics : IDisposable
{
    public const string MeterName = "LeakHound";

    private readonly Meter _meter;

    internal Meter Meter => _meter;

    public LeakHoundMetrics(LeakMonitor monitor, IMeterFactory? meterFactory = null)
    {
        _meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("leakhound.signal.value", () => Each(monitor, v => v.Current),
            description: "Latest value of each watched signal (bytes or count)");
        _meter.CreateObservableGauge("leakhound.signal.floor", () => Each(monitor, v => v.Floor),
            description: "The signal's floor under its sawtooth, from the trend fitted to post-collection minima");
        _meter.CreateObservableGauge("leakhound.signal.slope", () => Each(monitor, v => v.SlopePerSecond), unit: "{unit}/s",
            description: "Trend of the floor per second (Theil–Sen), where a trend is fitted");
        _meter.CreateObservableGauge("leakhound.signal.leaking", () => Each(monitor, v => v.Verdict == Verdict.Leak ? 1 : 0),
            description: "1 while a leak is confirmed on the signal, else 0");
        _meter.CreateObservableGauge("leakhound.signal.time_to_limit", () => Each(monitor, v => v.TimeToLimitSeconds), unit: "s",
            description: "Projected time until the signal reaches its limit, while leaking");
        _meter.CreateObservableGauge("leakhound.signal.verdict", () => Each(monitor, v => (int)v.Verdict),
            description: "Verdict code: " + string.Join(", ", Enum.GetValues<Verdict>().Select(v => $"{(int)v}={v.ToName()}")));
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<double>> Each(LeakMonitor monitor, Func<SeriesVerdict, double?> field)
    {
        foreach (SeriesVerdict v in monitor.Verdicts)
        {
            if (field(v) is { } value && double.IsFinite(value))
            {
                yield return new Measurement<double>(value, new KeyValuePair<string, object?>("series", v.Series));
            }
        }
    }
}
