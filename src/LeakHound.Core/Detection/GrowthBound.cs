using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>
/// How far the floor could rise, against a rise that does not matter: a healthy verdict is a claim that the growth is
/// bounded below <see cref="Negligible"/>, made only when the upper end of the floor's 95% interval lies there.
/// </summary>
/// <param name="Upper">The largest rise per second the data allow (the upper end of the 95% interval, at least the
/// resolution of a count over the span).</param>
/// <param name="Negligible">The largest rise per second that does not matter for this series.</param>
/// <param name="Slope">The floor's rise per second as estimated.</param>
/// <param name="Span">Seconds the trend was estimated over.</param>
/// <param name="IsCount">Whether the series is a count.</param>
internal readonly record struct GrowthBound(double Upper, double Negligible, double Slope, double Span, bool IsCount)
{
    /// <summary>
    /// A count that did not move in T seconds may still gain one unit every T/3: with no event in T, a Poisson rate is
    /// below ln(40)/T ≈ 3.7/T with 97.5% confidence, the upper end of a two-sided 95% interval ("rule of three").
    /// </summary>
    public const double CountResolution = 3.689;

    /// <summary>A count's level below which "1% of the level" stops making sense: a count cannot be resolved finer than one unit an hour within a watch.</summary>
    public const double CountLevelFloor = 100;

    public bool Holds => Upper <= Negligible;

    /// <summary>
    /// The rise that does not matter: one that would not reach the limit within the horizon (30 days by default) and is
    /// under a share of the level per hour (1% by default) — a 1%/h growth doubles memory in about four days.
    /// </summary>
    public static double NegligibleRate(double level, double peak, double? limit, bool isCount, DetectorOptions options)
    {
        double rate = options.NegligibleGrowthPerHour * Math.Max(Math.Abs(level), isCount ? CountLevelFloor : 0) / 3600;
        if (limit is { } l && double.IsFinite(l))
        {
            rate = Math.Min(rate, Math.Max(0, l - peak) / options.HealthyHorizonSeconds);
        }

        return rate;
    }

    public static GrowthBound Of(TrendEstimate trend, double span, bool isCount, double negligible)
    {
        double upper = trend.SlopeHigh;
        if (isCount && span > 0)
        {
            upper = Math.Max(upper, CountResolution / span);
        }

        return new GrowthBound(upper, negligible, trend.Slope, span, isCount);
    }

    /// <summary>What would bound the growth: how much longer to watch, or that it rises now.</summary>
    public string Missing(Func<double, string> rate)
    {
        string could = $"its floor could still rise by {rate(Upper)} (upper 95%), more than the negligible {rate(Negligible)}";
        if (Slope >= Negligible)
        {
            return $"{could}; it rises at {rate(Slope)} now";
        }

        // The interval narrows as span^-1.5 for independent noise (n and the lever arm both grow with time), and a
        // count's resolution as 1/span.
        double needed = IsCount && Upper <= CountResolution / Span * 1.0001
            ? CountResolution / Math.Max(Negligible, 1e-300)
            : Span * Math.Pow((Upper - Slope) / (Negligible - Slope), 2.0 / 3);
        return $"{could}; about {Units.Quantity.FormatDuration(Math.Max(0, needed - Span))} more to bound it";
    }
}
