namespace LeakHound.Core.Verdicts;

/// <summary>
/// One gauge of LeakHound's metric vocabulary, per series: the same names in a watch's <c>/metrics</c> and in Hosting's
/// <c>LeakHound</c> meter. <see cref="Name"/> is the OpenTelemetry instrument; <see cref="PrometheusName"/> is what the
/// OpenTelemetry Prometheus exporter makes of it (dots to underscores, the unit as a suffix), and what <c>/metrics</c>
/// serves — so a dashboard or an alert reads the same series from either.
/// </summary>
/// <param name="Name">The instrument's name.</param>
/// <param name="PrometheusName">The exposition's family name.</param>
/// <param name="Unit">The instrument's unit (UCUM), null when the unit is the series' own.</param>
/// <param name="Description">HELP text.</param>
/// <param name="Value">The value for a verdict; null leaves the series out.</param>
public sealed record VerdictMetric(string Name, string PrometheusName, string? Unit, string Description, Func<SeriesVerdict, double?> Value)
{
    /// <summary>The verdict gauge: one series per verdict, 1 for the current one and 0 for the others (label <c>verdict</c>).</summary>
    public static VerdictMetric Verdict { get; } = new("leakhound.signal.verdict", "leakhound_signal_verdict", null,
        "The signal's verdict: 1 for the current one (label verdict), 0 for the others", _ => null);

    /// <summary>Every per-series gauge but <see cref="Verdict"/>, which is one-hot.</summary>
    public static IReadOnlyList<VerdictMetric> Gauges { get; } =
    [
        new("leakhound.signal.value", "leakhound_signal_value", null,
            "Latest value of the watched signal (bytes or count, label unit)", v => v.Current),
        new("leakhound.signal.floor", "leakhound_signal_floor", null,
            "The signal's floor under its sawtooth, from the trend of its post-collection minima", v => v.Floor),
        new("leakhound.signal.slope", "leakhound_signal_slope_per_second", "{unit}/s",
            "Trend of the floor per second (Theil–Sen), where one is fitted", v => v.SlopePerSecond),
        new("leakhound.signal.leaking", "leakhound_signal_leaking", null,
            "1 while a leak is confirmed on the signal, else 0", v => v.Verdict == Verdicts.Verdict.Leak ? 1 : 0),
        new("leakhound.signal.time_to_limit", "leakhound_signal_time_to_limit_seconds", "s",
            "Projected time until the signal's peaks reach its limit, while leaking", v => v.TimeToLimitSeconds),
    ];

    /// <summary>The labels (tags) of a series: <c>target</c> (absent in process), <c>series</c> and <c>unit</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Labels(SeriesVerdict v)
    {
        if (v.Target.Length > 0)
        {
            yield return new("target", v.Target);
        }

        yield return new("series", v.Series);
        yield return new("unit", Signals.SignalUnits.For(v.Series).ToString().ToLowerInvariant());
    }
}
