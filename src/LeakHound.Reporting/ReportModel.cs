using LeakHound.Core.Verdicts;

namespace LeakHound.Reporting;

/// <summary>Everything a report shows, serialised as JSON into the page.</summary>
public sealed record ReportDocument(string Title, string Source, DateTimeOffset Generated, double MinSpanSeconds, IReadOnlyList<SeriesReport> Series)
{
    /// <summary>Explanations taken during a watch (--explain-on-leak, a rule's explain or heapdiff action), one per target.</summary>
    public IReadOnlyList<Watching.ExplanationTable> HeapDiffs { get; init; } = [];

    /// <summary>A resumed watch's gaps (the watcher was away) and restarts (a new process), drawn on every chart.</summary>
    public IReadOnlyList<LeakHound.Core.Series.TimelineMark> Marks { get; init; } = [];
}

/// <summary>
/// One signal: its verdict (the one verdict document), its samples (decimated when long), floor, and the trend its
/// verdict rests on with the 95% band.
/// </summary>
/// <param name="Name">The series as the report names it: <c>target/series</c> when a watch had several targets.</param>
/// <param name="Unit">bytes, count or other.</param>
/// <param name="Verdict">The verdict, as every other output gives it.</param>
/// <param name="T">Sample times (seconds on the watch's or trace's clock).</param>
/// <param name="V">Sample values.</param>
/// <param name="FloorT">Times of the floor points under the sawtooth.</param>
/// <param name="FloorV">The floor points' values.</param>
/// <param name="TrendT">Times along the trend the verdict rests on.</param>
/// <param name="TrendMid">The trend.</param>
/// <param name="TrendLow">The lower edge of its 95% band.</param>
/// <param name="TrendHigh">The upper edge of its 95% band.</param>
public sealed record SeriesReport(
    string Name,
    string Unit,
    SeriesVerdict Verdict,
    double[] T,
    double[] V,
    double[] FloorT,
    double[] FloorV,
    double[] TrendT,
    double[] TrendMid,
    double[] TrendLow,
    double[] TrendHigh);
