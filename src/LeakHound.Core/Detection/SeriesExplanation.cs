namespace LeakHound.Core.Detection;

/// <summary>
/// What a verdict was drawn from, for charts: the floor points under the sawtooth and the trend fitted to them, with the
/// 95% band of its slope pivoting at the floor's median time (where a Theil–Sen line is best determined). Times are on
/// the series' own clock (seconds since its first sample).
/// </summary>
public sealed record SeriesExplanation(double[] FloorT, double[] FloorValue, double? Intercept, double? Slope, double? SlopeLow, double? SlopeHigh)
{
    /// <summary>Where the trend begins (a restart, a stop); the floor before it is not what the trend describes.</summary>
    public double TrendFromT { get; init; } = double.NegativeInfinity;

    /// <summary>The time the band pivots on: the median time of the floor points the trend describes.</summary>
    public double PivotT
    {
        get
        {
            double[] described = FloorT.Where(t => t >= TrendFromT).ToArray();
            return described.Length > 0 ? described[described.Length / 2] : FloorT.Length == 0 ? 0 : FloorT[FloorT.Length / 2];
        }
    }

    /// <summary>The trend and its band at time <paramref name="t"/>; null without a trend.</summary>
    public (double Mid, double Low, double High)? TrendAt(double t)
    {
        if (Intercept is not { } a || Slope is not { } b)
        {
            return null;
        }

        double pivot = a + b * PivotT;
        double dt = t - PivotT;
        double lo = pivot + (SlopeLow ?? b) * dt;
        double hi = pivot + (SlopeHigh ?? b) * dt;
        return (a + b * t, Math.Min(lo, hi), Math.Max(lo, hi));
    }
}
