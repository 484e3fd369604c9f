namespace LeakHound.Probes.Prometheus;

/// <summary>The TYPE of a metric family (Prometheus text 0.0.4 and OpenMetrics 1.0).</summary>
public enum MetricType
{
    Untyped,
    Gauge,
    Counter,
    Histogram,
    Summary,
    GaugeHistogram,
    Info,
    StateSet,
}
