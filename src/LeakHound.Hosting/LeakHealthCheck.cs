using System.Globalization;
using LeakHound.Core.Units;
using LeakHound.Core.Verdicts;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting;

/// <summary>
/// Healthy until a leak is confirmed, then <see cref="LeakHoundOptions.LeakStatus"/> (Degraded by default) with the
/// rate, its confidence interval and the time to the limit in the description; every series' verdict is in the data.
/// </summary>
internal sealed class LeakHealthCheck(LeakMonitor monitor, IOptions<LeakHoundOptions> options) : IHealthCheck
{
    private readonly LeakHoundOptions _options = options.Value;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(Check(monitor.Verdicts));

    internal HealthCheckResult Check(IReadOnlyList<SeriesVerdict> verdicts)
    {
        Dictionary<string, object> data = new(StringComparer.Ordinal);
        foreach (SeriesVerdict v in verdicts)
        {
            data[v.Series] = Describe(v);
        }

        SeriesVerdict[] leaks = verdicts.Where(v => v.Verdict == Verdict.Leak && Counts(v.Series)).ToArray();
        if (leaks.Length > 0)
        {
            string description = string.Join("; ", leaks.Select(Leak));
            return new HealthCheckResult(_options.LeakStatus, description, data: data);
        }

        if (verdicts.Count == 0 || verdicts.All(v => v.Verdict == Verdict.Insufficient))
        {
            double observed = verdicts.Count == 0 ? 0 : monitor.ObservedSeconds;
            string waiting = verdicts.Count == 0 ? "no samples yet (warming up)"
                : observed < _options.Detector.MinSpanSeconds
                    ? $"no leak seen; {Quantity.FormatDuration(observed)} observed, verdicts need {Quantity.FormatDuration(_options.Detector.MinSpanSeconds)}"
                    : $"no leak seen in {Quantity.FormatDuration(observed)}; growth not yet bounded: {string.Join(", ", verdicts.Select(v => $"{v.Series} ({(v.Shape is { } shape ? shape.ToName() + " so far" : "undecided")})"))}";
            return HealthCheckResult.Healthy(waiting, data);
        }

        string summary = string.Join(", ", verdicts.Select(v => $"{v.Series} {v.Verdict.ToName()}"));
        return HealthCheckResult.Healthy("no leak: " + summary, data);
    }

    private bool Counts(string series) => _options.HealthSeries.Count == 0 || _options.HealthSeries.Contains(series);

    private static string Leak(SeriesVerdict v)
    {
        string text = $"{v.Series} leaking at {VerdictText.Rate(v)} (95% CI)";
        return v.TimeToLimitSeconds is { } s && v.Limit is { } limit
            ? $"{text}, reaches its limit {VerdictText.Value(v.Series, limit)} in about {Quantity.FormatDuration(s)} ({VerdictText.TimeToLimit(v)})"
            : text;
    }

    private static string Describe(SeriesVerdict v)
    {
        string current = v.Current is { } c ? VerdictText.Value(v.Series, c) : "–";
        string rate = v.SlopePerSecond is null ? "" : $", {VerdictText.Rate(v)}";
        string ttl = v.TimeToLimitSeconds is { } s ? $", limit in {Quantity.FormatDuration(s)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{v.Verdict.ToName()}: {current}{rate}{ttl} — {v.Reason}");
    }
}
