using System.Globalization;
using System.Text;
using LeakHound.Core.Verdicts;

namespace LeakHound.Web;

/// <summary>
/// The verdicts in the Prometheus text format 0.0.4, so an existing Prometheus, Grafana or Alertmanager picks LeakHound
/// up without glue. Written by hand because it is four gauge families over a snapshot; prometheus-net would add a
/// registry whose lifetime fights the watch's.
/// </summary>
public static class PrometheusExposition
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(LiveStore.Snapshot snap)
    {
        StringBuilder sb = new();
        Family(sb, "leakhound_sample", "Latest value of a watched signal (bytes or count).", snap, s => s.Points.Length > 0 ? s.Points[^1].V : null);
        Family(sb, "leakhound_slope_per_second", "Trend of the signal's floor per second (Theil-Sen), where one is fitted.", snap, s => s.Verdict?.SlopePerSecond);
        Family(sb, "leakhound_time_to_limit_seconds", "Projected time until the signal reaches its limit, while leaking.", snap, s => s.Verdict?.TimeToLimitSeconds);

        sb.Append("# HELP leakhound_verdict Current verdict of the signal: 1 for the current one, 0 for the others.\n");
        sb.Append("# TYPE leakhound_verdict gauge\n");
        foreach (LiveStore.SeriesSnapshot s in snap.Series)
        {
            if (s.Verdict is not { } v)
            {
                continue;
            }

            foreach (Verdict each in Enum.GetValues<Verdict>())
            {
                sb.Append("leakhound_verdict");
                Labels(sb, snap, s, ("verdict", each.ToName()));
                sb.Append(each == v.Verdict ? " 1\n" : " 0\n");
            }
        }

        return sb.ToString();
    }

    private static void Family(StringBuilder sb, string name, string help, LiveStore.Snapshot snap, Func<LiveStore.SeriesSnapshot, double?> value)
    {
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        sb.Append("# TYPE ").Append(name).Append(" gauge\n");
        foreach (LiveStore.SeriesSnapshot s in snap.Series)
        {
            if (value(s) is { } v && !double.IsNaN(v))
            {
                sb.Append(name);
                Labels(sb, snap, s);
                sb.Append(' ').Append(Number(v)).Append('\n');
            }
        }
    }

    private static void Labels(StringBuilder sb, LiveStore.Snapshot snap, LiveStore.SeriesSnapshot s, (string Name, string Value)? extra = null)
    {
        sb.Append("{target=\"").Append(Escape(snap.Targets[s.Target].Label)).Append("\",series=\"").Append(Escape(s.Name)).Append('"');
        if (extra is { } e)
        {
            sb.Append(',').Append(e.Name).Append("=\"").Append(Escape(e.Value)).Append('"');
        }

        sb.Append('}');
    }

    /// <summary>Label values escape backslash, double quote and newline (exposition format 0.0.4).</summary>
    internal static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

    private static string Number(double v) =>
        double.IsPositiveInfinity(v) ? "+Inf" : double.IsNegativeInfinity(v) ? "-Inf" : v.ToString("R", CultureInfo.InvariantCulture);
}
