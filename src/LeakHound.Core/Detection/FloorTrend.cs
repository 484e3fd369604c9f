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
/// </remarks>
internal static class FloorTrend
{
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
