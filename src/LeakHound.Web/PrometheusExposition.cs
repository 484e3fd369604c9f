using System.Globalization;
using System.Text;
using LeakHound.Core.Verdicts;

namespace LeakHound.Web;

/// <summary>
/// The verdicts in the Prometheus text format 0.0.4, so an existing Prometheus, Grafana or Alertmanager picks LeakHound
/// up without glue — the same families, labels and help as Hosting's meter through an OpenTelemetry Prometheus exporter
/// (<see cref="VerdictMetric"/>). Written by hand because it is six gauge families over a snapshot; prometheus-net would
/// add a registry whose lifetime fights the watch's.
/// </summary>
public static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(LiveStore.Snapshot snap)
    {
        StringBuilder sb = new();
        List<SeriesVerdict> verdicts = [.. snap.Series.Where(s => s.Verdict is not null).Select(s => s.Verdict! with { Target = snap.Targets[s.Target].Label })];
        foreach (VerdictMetric metric in VerdictMetric.Gauges)
        {
            Header(sb, metric);
            foreach (SeriesVerdict v in verdicts)
            {
                if (metric.Value(v) is { } value && !double.IsNaN(value))
                {
                    sb.Append(metric.PrometheusName);
                    Labels(sb, v);
                    sb.Append(' ').Append(Number(value)).Append('\n');
                }
            }
        }

        Header(sb, VerdictMetric.Verdict);
        foreach (SeriesVerdict v in verdicts)
        {
            foreach (Verdict each in Enum.GetValues<Verdict>())
            {
                sb.Append(VerdictMetric.Verdict.PrometheusName);
                Labels(sb, v, each.ToName());
                sb.Append(each == v.Verdict ? " 1\n" : " 0\n");
            }
        }

        return sb.ToString();
    }

    private static void Header(StringBuilder sb, VerdictMetric metric)
    {
        sb.Append("# HELP ").Append(metric.PrometheusName).Append(' ').Append(metric.Description).Append('\n');
        sb.Append("# TYPE ").Append(metric.PrometheusName).Append(" gauge\n");
    }

    private static void Labels(StringBuilder sb, SeriesVerdict v, string? verdict = null)
    {
        sb.Append('{');
        bool first = true;
        foreach ((string name, string value) in VerdictMetric.Labels(v))
        {
            sb.Append(first ? "" : ",").Append(name).Append("=\"").Append(Escape(value)).Append('"');
            first = false;
        }

        if (verdict is not null)
        {
            sb.Append(",verdict=\"").Append(verdict).Append('"');
        }

        sb.Append('}');
    }

    /// <summary>Label values escape backslash, double quote and newline (exposition format 0.0.4).</summary>
    internal static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
