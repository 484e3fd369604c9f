using LeakHound.Core.Statistics;

namespace LeakHound.Core.Detection;

/// <summary>A rise that has stopped: the floor climbed, then stayed flat against that climb until the window's end.</summary>
/// <param name="At">Time the flat stretch begins.</param>
/// <param name="Rise">How much the floor rose before it.</param>
/// <param name="Before">The floor's trend before the stop.</param>
/// <param name="After">The floor's trend since the stop (the flat stretch).</param>
/// <param name="Duration">Seconds the floor has been flat.</param>
internal sealed record RiseStop(double At, double Rise, TrendEstimate Before, TrendEstimate After, double Duration)
{
    /// <summary>
    /// Fewest floor points in a flat stretch. Few, because the stretch's rank interval is wide on few points (on 6 it
    /// spans nearly every pairwise slope), so only a truly flat stretch passes; what guards a leak that pauses is the
    /// pause rule, not this count.
    /// </summary>
    public const int MinFlatPoints = 6;

    /// <summary>The flat stretch's whole 95% interval must lie below this share of the rate before it.</summary>
    public const double FlatShare = 0.25;

    /// <summary>The flat stretch must outlast the longest pause the rise itself took this many times over.</summary>
    public const double PauseMultiple = 3;

    /// <summary>
    /// Finds the flat stretch at the end of the floor after a significant rise, wherever the change point lies — in the
    /// middle or just before the end — or null when the floor did not stop. A fill that reaches its bound is a plateau
    /// as soon as it has been flat for tens of floor points; a leak that pauses is not, because its flat stretch must
    /// outlast (3×) the longest pause seen while it rose, and the stretch's whole 95% interval must lie below a quarter
    /// of the rate before it.
    /// </summary>
    /// <remarks>
    /// The change point is where a rise-then-flat line, y = a + b·min(x, τ), fits the floor best in least squares (found
    /// in O(n) with prefix sums). Least squares is used to place τ, not to judge: a robust line would not see a rise that
    /// fills less than a third of the stretch. The stretch found is then judged with the rank-based tests. O(n²).
    /// </remarks>
    public static RiseStop? Find(Floor floor, TrendEstimate? window, double noise)
    {
        double[] x = floor.X;
        double[] y = floor.Y;
        int n = x.Length;
        if (window is not { Slope: > 0 } || n < MinFlatPoints + 5)
        {
            return null;
        }

        int start = BestHinge(x, y);
        if (start < 5 || n - start < MinFlatPoints || !LooksFlat(x, y, start)
            || FloorTrend.Of(x.AsSpan(0, start), y.AsSpan(0, start), floor.IsCount) is not { } before
            || !(before.PRising < 0.05 && before.SlopeLow > 0))
        {
            return null;
        }

        TrendEstimate after = TrendTest.Compute(x.AsSpan(start), y.AsSpan(start));
        double rise = ShapeChecks.Median(y, start, n) - ShapeChecks.Median(y, 0, Math.Min(3, start));
        double duration = x[^1] - x[start];
        if (rise <= Math.Max(6 * noise, 2 * floor.Quantum) || !(after.SlopeHigh < FlatShare * before.Slope)
            || duration < PauseMultiple * LongestPause(x, y, start, Math.Max(2 * DetrendedNoise(x, y, start, before.Slope), floor.Quantum)))
        {
            return null;
        }

        return new RiseStop(x[start], rise, before, after, duration);
    }

    /// <summary>
    /// Seconds the floor has gone, at the window's end, without setting a new high, when that is at least three times
    /// the longest it went without one before (and two floor points or more): a rise that has paused as it never paused
    /// while it rose — likely a fill that just reached its bound. Null when the rise goes on as it did. A leak is not
    /// declared while its rise stalls; it is not taken back either (that needs a <see cref="Find">stop</see>).
    /// </summary>
    public static double? Stalled(Floor floor, TrendEstimate? window)
    {
        double[] x = floor.X;
        double[] y = floor.Y;
        int n = x.Length;
        if (window is not { Slope: > 0 } trend || n < 8)
        {
            return null;
        }

        double margin = Math.Max(2 * DetrendedNoise(x, y, n, trend.Slope), floor.Quantum);
        double high = y[0];
        double? since = null;
        double longest = 0;
        int pointsSince = 0;
        for (int i = 1; i < n; i++)
        {
            if (y[i] > high + margin)
            {
                // Measured from the first new high: a wait before anything rose is not a pause of the rise.
                longest = Math.Max(longest, x[i] - (since ?? x[i]));
                high = y[i];
                since = x[i];
                pointsSince = 0;
            }
            else
            {
                pointsSince++;
            }
        }

        if (since is not { } last)
        {
            return null;
        }

        double open = x[^1] - last;
        return pointsSince >= 2 && longest > 0 && open >= PauseMultiple * longest ? open : null;
    }

    /// <summary>
    /// A cheap first look before the rank tests: the least-squares slope after <paramref name="start"/> is under half
    /// the one before it.
    /// </summary>
    private static bool LooksFlat(double[] x, double[] y, int start) =>
        LeastSquaresSlope(x, y, start, x.Length) < 0.5 * LeastSquaresSlope(x, y, 0, start);

    private static double LeastSquaresSlope(double[] x, double[] y, int from, int to)
    {
        int n = to - from;
        double mx = 0, my = 0;
        for (int i = from; i < to; i++) { mx += x[i]; my += y[i]; }
        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0;
        for (int i = from; i < to; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        return sxx > 0 ? sxy / sxx : 0;
    }

    /// <summary>
    /// The index k (at least 5 points before, <see cref="MinFlatPoints"/> after) where y ≈ a + b·min(x, x[k]) has the
    /// least squared error: the regression of y on z = min(x, τ) from prefix sums of x, x², y and x·y.
    /// </summary>
    private static int BestHinge(double[] x, double[] y)
    {
        int n = x.Length;
        // Centre and scale, so that sums of squares of byte-sized values keep their precision.
        double x0 = x[0];
        double xs = Math.Max(x[^1] - x0, 1e-300);
        double y0 = y[0];
        double ys = 0;
        foreach (double v in y)
        {
            ys = Math.Max(ys, Math.Abs(v - y0));
        }

        ys = ys > 0 && double.IsFinite(ys) ? ys : 1;
        double[] px = new double[n + 1], pxx = new double[n + 1], py = new double[n + 1], pxy = new double[n + 1];
        double syy = 0;
        for (int i = 0; i < n; i++)
        {
            double u = (x[i] - x0) / xs;
            double v = (y[i] - y0) / ys;
            px[i + 1] = px[i] + u;
            pxx[i + 1] = pxx[i] + u * u;
            py[i + 1] = py[i] + v;
            pxy[i + 1] = pxy[i] + u * v;
            syy += v * v;
        }

        int best = -1;
        double bestSse = double.PositiveInfinity;
        for (int k = 5; k <= n - MinFlatPoints; k++)
        {
            double tau = (x[k] - x0) / xs;
            int m = n - k;
            double sz = px[k] + m * tau;
            double szz = pxx[k] + m * tau * tau;
            double szy = pxy[k] + tau * (py[n] - py[k]);
            double czz = szz - sz * sz / n;
            double czy = szy - sz * py[n] / n;
            double sse = syy - py[n] * py[n] / n - (czz > 0 ? czy * czy / czz : 0);
            if (sse < bestSse)
            {
                bestSse = sse;
                best = k;
            }
        }

        return best;
    }

    /// <summary>
    /// The step-to-step noise of the rise around its own slope (MAD of Δy − slope·Δx as a standard deviation): how much
    /// more than its trend a floor point must climb to set a new high.
    /// </summary>
    private static double DetrendedNoise(double[] x, double[] y, int end, double slope)
    {
        if (end < 3)
        {
            return 0;
        }

        double[] d = new double[end - 1];
        for (int i = 1; i < end; i++)
        {
            d[i - 1] = Math.Abs(y[i] - y[i - 1] - slope * (x[i] - x[i - 1]));
        }

        return Selection.Median(d) / 0.954;
    }

    /// <summary>The longest time the floor took, before <paramref name="end"/>, to set a new high by more than <paramref name="margin"/>.</summary>
    private static double LongestPause(double[] x, double[] y, int end, double margin)
    {
        double high = y[0];
        double? since = null;
        double longest = 0;
        for (int i = 1; i < end; i++)
        {
            if (y[i] > high + margin)
            {
                longest = Math.Max(longest, x[i] - (since ?? x[i]));
                high = y[i];
                since = x[i];
            }
        }

        return longest;
    }
}
