namespace LeakHound.Core.Detection;

/// <summary>How much evidence the detector demands before it commits to a verdict.</summary>
public sealed record DetectorOptions
{
    public static DetectorOptions Default { get; } = new();

    /// <summary>
    /// Shortest observed span (seconds) before any verdict other than insufficient. Slow warm-ups and long sawtooth
    /// ramps look exactly like a leak over short spans; 5 minutes (Prometheus' usual rate window) covers the warm-ups and GC periods of typical services.
    /// </summary>
    public double MinSpanSeconds { get; init; } = 300;

    /// <summary>Fewest raw samples before any verdict.</summary>
    public int MinSamples { get; init; } = 20;

    /// <summary>When the series has a sawtooth, the fewest GC-like cycles (floor points) before a leak can be called.</summary>
    public int MinCycles { get; init; } = 6;

    /// <summary>Fewest distinct floor points for the trend test.</summary>
    public int MinTrendPoints { get; init; } = 8;

    /// <summary>One-sided significance level of the trend test for a leak. A leak pages a person: keep it strict.</summary>
    public double Alpha { get; init; } = 0.001;

    /// <summary>Buckets kept per series; memory per series is about 90 bytes per bucket.</summary>
    public int HistoryCapacity { get; init; } = 256;

    /// <summary>The recent half's rate must be at least this share of the earlier half's: a slowing rise is a warm-up until proven otherwise.</summary>
    public double MaxDeceleration { get; init; } = 0.75;

    /// <summary>The 95% interval of the rate must be this tight (half-width relative to the rate) before a leak is called: a page should say how fast.</summary>
    public double MaxRelativeUncertainty { get; init; } = 0.3;

    /// <summary>Consecutive assessments that must all find a leak before it is declared.</summary>
    public int ConfirmAssessments { get; init; } = 3;

    /// <summary>...and the share of the observed span over which they must keep finding it.</summary>
    public double ConfirmShare { get; init; } = 0.05;

    /// <summary>
    /// A healthy verdict (stable, sawtooth, plateau, step) claims the floor rises by less than this share of its level
    /// per hour (and would not reach the limit within <see cref="HealthyHorizonSeconds"/>): 1% per hour doubles memory
    /// in about four days, so anything faster matters on a service that runs for days. Counts are held to at least one
    /// unit per hour.
    /// </summary>
    public double NegligibleGrowthPerHour { get; init; } = 0.01;

    /// <summary>A healthy verdict also claims the series would not reach its limit within this many seconds (30 days).</summary>
    public double HealthyHorizonSeconds { get; init; } = 30 * 86400;

    public string? Validate()
    {
        if (!(MinSpanSeconds >= 0) || double.IsInfinity(MinSpanSeconds)) { return "minimum span must be a finite, non-negative number of seconds"; }
        if (MinSamples < 5) { return "minimum samples must be at least 5"; }
        if (MinCycles < 3) { return "minimum cycles must be at least 3"; }
        if (MinTrendPoints < 5) { return "minimum trend points must be at least 5"; }
        if (!(Alpha > 0 && Alpha < 0.5)) { return "alpha must be in (0, 0.5)"; }
        if (ConfirmAssessments < 1) { return "confirm assessments must be at least 1"; }
        if (!(ConfirmShare >= 0 && ConfirmShare < 1)) { return "confirm share must be in [0, 1)"; }
        if (!(NegligibleGrowthPerHour >= 0) || double.IsInfinity(NegligibleGrowthPerHour)) { return "negligible growth must be a finite, non-negative share of the level per hour"; }
        if (!(HealthyHorizonSeconds > 0) || double.IsInfinity(HealthyHorizonSeconds)) { return "healthy horizon must be a finite, positive number of seconds"; }
        if (HistoryCapacity < 32 || HistoryCapacity % 2 != 0) { return "history capacity must be an even number ≥ 32"; }
        return null;
    }
}
