using System.Globalization;
using System.Text;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.PrometheusApi;

namespace LeakHound.Cli.Scan;

/// <summary>
/// Prometheus alerting rules (YAML) for the series a scan found leaking, so the verdict keeps watching without
/// LeakHound running: the floor keeps rising (deriv over the min-over-time floor) and the trend reaches the limit soon.
/// </summary>
internal static class AlertRules
{
    public static string Write(string query, IEnumerable<(RangeSeries Series, SeriesVerdict Verdict)> leaks, double windowSeconds)
    {
        string window = Duration(Math.Max(windowSeconds, 600));
        StringBuilder yaml = new();
        yaml.Append("# Written by leakhound scan for the series it found leaking. Check with: promtool check rules FILE\n");
        yaml.Append("groups:\n  - name: leakhound\n    rules:\n");
        foreach ((RangeSeries series, SeriesVerdict v) in leaks)
        {
            string selector = series.Selector;
            // The floor under the sawtooth: the minimum over a window longer than a GC cycle, as LeakHound's floor is.
            string floor = $"min_over_time({selector}[10m])";
            string expr = v.Limit is { } limit
                ? $"deriv({floor}[{window}:1m]) > 0 and predict_linear({floor}[{window}:1m], 4 * 3600) > {Number(limit)}"
                : $"deriv({floor}[{window}:1m]) > {Number(Math.Max(0, v.SlopeLow ?? 0) / 2)}";
            yaml.Append("      - alert: LeakHoundLeak\n");
            yaml.Append("        expr: ").Append(Quote(expr)).Append('\n');
            yaml.Append("        for: 30m\n");
            yaml.Append("        labels:\n          severity: warning\n");
            yaml.Append("          leakhound_series: ").Append(Quote(series.Key)).Append('\n'); // one rule per series, not duplicates
            yaml.Append("        annotations:\n");
            yaml.Append("          summary: ").Append(Quote($"{series.Key} leaks ({VerdictText.Rate(v)} when LeakHound scanned it)")).Append('\n');
            yaml.Append("          description: ").Append(Quote($"LeakHound scan of '{query}': {v.Reason}. Time to limit then: {VerdictText.TimeToLimit(v)}.")).Append('\n');
        }

        return yaml.ToString();
    }


    /// <summary>A YAML double-quoted scalar.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Number(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Duration(double seconds) => $"{(int)Math.Round(seconds / 60)}m";
}
