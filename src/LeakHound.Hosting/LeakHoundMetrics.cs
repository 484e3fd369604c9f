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
        // The vocabulary of a watch's /metrics (docs/metrics): the same names, the same labels, in process.
        foreach (VerdictMetric metric in VerdictMetric.Gauges)
        {
            _meter.CreateObservableGauge(metric.Name, () => Each(monitor, metric.Value), unit: metric.Unit, description: metric.Description);
        }

        _meter.CreateObservableGauge(VerdictMetric.Verdict.Name, () => OneHot(monitor), description: VerdictMetric.Verdict.Description);
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<double>> Each(LeakMonitor monitor, Func<SeriesVerdict, double?> field)
    {
        foreach (SeriesVerdict v in monitor.Verdicts)
        {
            if (field(v) is { } value && double.IsFinite(value))
            {
                yield return new Measurement<double>(value, Tags(v));
            }
        }
    }

    /// <summary>One series per verdict (label <c>verdict</c>): 1 for the current one, 0 for the others.</summary>
    private static IEnumerable<Measurement<double>> OneHot(LeakMonitor monitor)
    {
        foreach (SeriesVerdict v in monitor.Verdicts)
        {
            foreach (Verdict verdict in Enum.GetValues<Verdict>())
            {
                yield return new Measurement<double>(verdict == v.Verdict ? 1 : 0, [.. Tags(v), new("verdict", verdict.ToName())]);
            }
        }
    }

    private static KeyValuePair<string, object?>[] Tags(SeriesVerdict v) =>
        [.. VerdictMetric.Labels(v).Select(l => new KeyValuePair<string, object?>(l.Key, l.Value))];
}
