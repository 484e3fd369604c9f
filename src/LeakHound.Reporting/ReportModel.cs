namespace LeakHound.Reporting;

/// <summary>Everything a report shows, serialised as JSON into the page.</summary>
public sealed record ReportDocument(string Title, string Source, DateTimeOffset Generated, double MinSpanSeconds, IReadOnlyList<SeriesReport> Series)
{
    /// <summary>Heap diffs taken during a watch (--heapdiff-on-leak, a rule's heapdiff action), one per .NET target.</summary>
    public IReadOnlyList<HeapDiffTable> HeapDiffs { get; init; } = [];
}

/// <summary>Which types grew between two heap snapshots of one target.</summary>
public sealed record HeapDiffTable(string Target, IReadOnlyList<HeapDiffRow> Rows);

public sealed record HeapDiffRow(string Type, long CountBefore, long CountAfter, long BytesGrowth, string? RetentionPath);

/// <summary>One signal: its samples (decimated when long), floor, trend with band, and verdict in words.</summary>
public sealed record SeriesReport(
    string Name,
    string Target,
    string Unit,
    string Verdict,
    string Reason,
    double? SlopePerSecond,
    string Rate,
    double? TimeToLimitSeconds,
    string TimeToLimit,
    double? DetectedAtSeconds,
    double? Current,
    long SampleCount,
    double[] T,
    double[] V,
    double[] FloorT,
    double[] FloorV,
    double[] TrendT,
    double[] TrendMid,
    double[] TrendLow,
    double[] TrendHigh);
