namespace LeakHound.Core.Verdicts;

/// <summary>The detector's conclusion for one series at one moment. Values that cannot be computed yet are null.</summary>
public sealed record SeriesVerdict
{
    /// <summary>The series' name within its target (signal and labels).</summary>
    public required string Series { get; init; }

    /// <summary>The target's label; empty for the only target (or a trace of none).</summary>
    public string Target { get; init; } = "";

    public required Verdict Verdict { get; init; }

    /// <summary>Why, in words; for <see cref="Verdict.Insufficient"/> what is missing.</summary>
    public required string Reason { get; init; }

    /// <summary>Theil–Sen slope of the floor, value units per second.</summary>
    public double? SlopePerSecond { get; init; }

    public double? SlopeLow { get; init; }

    public double? SlopeHigh { get; init; }

    /// <summary>Confidence that the floor rises: 1 − p of the autocorrelation-corrected Mann–Kendall test.</summary>
    public double Confidence { get; init; }

    /// <summary>When the online detector first said <see cref="Verdict.Leak"/>, on the samples' clock.</summary>
    public double? DetectedAtSeconds { get; init; }

    /// <summary>Projected seconds until the peaks reach the limit; null unless leaking with a known limit.</summary>
    public double? TimeToLimitSeconds { get; init; }

    /// <summary>The earliest the limit is reached at 95%: at the upper end of the rate's interval.</summary>
    public double? TimeToLimitEarliestSeconds { get; init; }

    /// <summary>The latest the limit is reached at 95%: at the lower end of the rate's interval (null: it may never be).</summary>
    public double? TimeToLimitLatestSeconds { get; init; }

    /// <summary>The shape seen so far, also while the verdict is insufficient (null: none yet).</summary>
    public Verdict? Shape { get; init; }

    /// <summary>The largest rise per second that does not matter for this series: a healthy verdict claims its floor stays under it.</summary>
    public double? NegligiblePerSecond { get; init; }

    /// <summary>For a leak declared during the watch that stopped rising later: when it was taken back (series time).</summary>
    public double? LeakStoppedAtSeconds { get; init; }

    /// <summary>The latest restart seen in the series (the floor fell back to where it started); it is judged from there.</summary>
    public double? RestartedAtSeconds { get; init; }

    public double? Limit { get; init; }

    public double? Current { get; init; }

    /// <summary>Estimated floor (lower envelope) at the time of analysis.</summary>
    public double? Floor { get; init; }

    /// <summary>Completed GC-like cycles seen (drops of the series), 0 when the series has no sawtooth.</summary>
    public int Cycles { get; init; }

    public long Samples { get; init; }

    /// <summary>When the verdict was given, on the samples' own clock (a trace's time line, a watch's seconds).</summary>
    public double AtSeconds { get; init; }

    public double? SlopePerMinute => SlopePerSecond * 60;
}
