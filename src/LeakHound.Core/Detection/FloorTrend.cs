using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>The trend of a floor, tested the way its kind of series needs.</summary>
/// <remarks>
/// A continuous series (bytes, rates) gets the Mann–Kendall test with its variance inflated for lag-1 autocorrelation:
/// a floor that wanders slowly (fragmentation, a sawtooth's residue) has correlated residuals, and without the
/// correction a wander reads as a trend.
/// A count (threads, descriptors, goroutines) moves in whole steps, and its residuals from a line are the running sum
/// of how much each step differs from the mean step: one odd step (+9 among +10s) or an irregular gap shifts every later
/// residual, the lag-1 autocorrelation reads near 1, and the correction shrinks 70 floor levels to a handful (a perfect
/// staircase stayed at 99.7 %). For a count the direct question is whether its level changes go up more than down: the
/// sign test on the moves answers it exactly for a count that wanders (a random walk) and conservatively for a pool that
/// jitters around its size, whatever the steps' sizes and spacing. A count is judged by both tests, each at half the
/// level (Bonferroni): the sign test for staircases, the corrected Mann–Kendall test for a slow rise under heavy jitter.
/// A count's rate interval is the moves' own (<see cref="IncrementRate"/>), not Sen's: the residuals of a staircase from a
/// line are a random walk, and Sen's interval on them was as often too narrow as too wide. Only when the moves undo each
/// other (a pool jittering around its rise, where the levels' residuals are stationary and Sen's interval holds) are the
/// two intersected. The robust Theil–Sen slope stays the estimate, inside the interval.
/// </remarks>
internal static class FloorTrend
{
    /// <summary>
    /// Lag-1 correlation of the moves' errors below which the count is read as jitter around a line: well toward
    /// stationary noise differenced (−½) from independent events (0), which rarely read that low from enough moves.
    /// </summary>
    private const double JitterCorrelation = -0.4;

    /// <summary>Fewer moves than this cannot tell jitter from independent events (the correlation's error is ±0.2 at 25).</summary>
    private const int MinMovesForJitter = 25;

    public static TrendEstimate? Of(Floor floor) => Of(floor.TrendX, floor.TrendY, floor.IsCount);

    public static TrendEstimate? Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y, bool isCount)
    {
        if (x.Length < 3)
        {
            return null;
        }

        TrendEstimate trend = TrendTest.Compute(x, y);
        if (!isCount)
        {
            return trend;
        }

        if (IncrementRate.Of(x, y, TrendTest.Z) is var (_, low, high, moveCorrelation))
        {
            if (x.Length > MinMovesForJitter && moveCorrelation < JitterCorrelation)
            {
                // Moves that undo each other: a pool jittering around a line, Sen's own regime, where the moves' interval
                // is conservative. Each interval is at a nominal 97.5 %, so their common part covers at the 95 % reported.
                (low, high) = low <= trend.SlopeHigh && trend.SlopeLow <= high
                    ? (Math.Max(low, trend.SlopeLow), Math.Min(high, trend.SlopeHigh))
                    : (Math.Min(low, trend.SlopeLow), Math.Max(high, trend.SlopeHigh));
            }

            trend = trend with { SlopeLow = Math.Min(low, trend.Slope), SlopeHigh = Math.Max(high, trend.Slope) };
        }

        int ups = 0;
        int moves = 0;
        for (int i = 1; i < y.Length; i++)
        {
            if (y[i] != y[i - 1])
            {
                moves++;
                ups += y[i] > y[i - 1] ? 1 : 0;
            }
        }

        double sign = SignTest.UpperTail(ups, moves);
        return trend with { PRising = Math.Min(1, 2 * Math.Min(trend.PRising, sign)) };
    }
}
