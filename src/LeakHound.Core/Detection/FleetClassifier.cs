using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>
/// Classifies many series at once with the same detectors as a watch (offline mode): pages of points (oldest first)
/// are fed as they arrive, in parallel across series, so memory holds one bounded detector per series and never the
/// whole range.
/// </summary>
public sealed class FleetClassifier(DetectorOptions options)
{
    private readonly DetectorSet _detectors = new(options, online: false, maxPerProcessSeries: int.MaxValue);

    public int SeriesCount => _detectors.Count;

    public long PointCount => _detectors.Keys.Sum(k => _detectors[k].History.SampleCount);

    /// <summary>Feeds one page; each series' points must be in time order and later than its previous page's.</summary>
    public void Feed(IReadOnlyList<(string Key, double[] T, double[] V)> page)
    {
        Parallel.ForEach(page, series =>
        {
            SeriesDetector? detector = _detectors.GetOrAdd(SeriesKey.Of(series.Key));
            for (int i = 0; detector is not null && i < series.T.Length; i++)
            {
                detector.Add(series.T[i], series.V[i]);
            }
        });
    }

    /// <summary>The process behind a series was replaced at <paramref name="t"/> (a container's next life): it is judged from there.</summary>
    public void MarkRestart(string key, double t) => _detectors.GetOrAdd(SeriesKey.Of(key))?.MarkRestart(t);

    /// <summary>
    /// Every series' final verdict (times relative to its first point), leaks first: most confident, then fastest
    /// relative to its level. Each series is measured against its own limit (a fleet's series are of many targets).
    /// </summary>
    public IReadOnlyList<SeriesVerdict> Rank(Func<string, double?> limitFor)
    {
        SeriesVerdict[] verdicts = _detectors.Keys.AsParallel().Select(k =>
        {
            SeriesDetector d = _detectors[k];
            d.Limit = limitFor(d.Series);
            return d.Evaluate();
        }).ToArray();

        return [.. verdicts.OrderBy(v => v.Verdict == Verdict.Leak ? 0 : v.Verdict == Verdict.Insufficient ? 2 : 1)
            .ThenByDescending(v => v.Verdict == Verdict.Leak ? v.Confidence : 0)
            .ThenByDescending(v => v.Verdict == Verdict.Leak ? RelativeRate(v) : 0)
            .ThenBy(v => v.Series, StringComparer.Ordinal)];
    }

    private static double RelativeRate(SeriesVerdict v) =>
        v.SlopePerSecond is { } s && v.Floor is { } f && Math.Abs(f) > 0 ? s / Math.Abs(f) : v.SlopePerSecond ?? 0;
}
