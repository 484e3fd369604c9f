namespace LeakHound.Core.Statistics;

/// <summary>
/// The rate of a series that moves in steps, read from its moves: the net change over the time it took, with an interval
/// from how much the moves differ from that rate.
/// </summary>
/// <remarks>
/// A count (goroutines, threads, descriptors) that grows by events is a renewal process: each move brings a change dᵢ after
/// a gap gᵢ. Its rate is the ratio estimator R = Σd / Σg, whose variance by the delta method is m·σ²/(Σg)² for m moves, σ²
/// the long-run variance of eᵢ = dᵢ − R·gᵢ (Cochran 1977, "Sampling Techniques", §6.3). A line fitted through the levels
/// instead sees residuals that are the running sum of the eᵢ — a random walk — and neither Sen's interval nor any
/// correction for its autocorrelation (<see cref="TrendTest"/>) describes that: on irregular staircases Sen's interval
/// was sometimes far too wide (±100 % after 35 steps) and as often too narrow (it covered the true rate 72 % of the time
/// when a leak was declared). The moves' errors are what is close to independent, and the long-run variance takes what
/// is left as it comes: moves in spells of short or long gaps (positive correlation) widen the interval, a pool jittering
/// around its rise (moves that undo each other) narrows it toward what the jitter really costs. σ² is the Newey–West
/// estimate with the Bartlett kernel and ⌈m^⅓⌉ lags (Newey &amp; West 1987, Econometrica 55(3)), never negative.
/// </remarks>
public static class IncrementRate
{
    /// <summary>
    /// The rate, its interval at <paramref name="z"/> and the lag-1 autocorrelation of the moves' errors (near −½ for a
    /// pool jittering around its trend, near 0 for independent events); null with fewer than 3 moves or no elapsed time.
    /// </summary>
    /// <param name="x">Times of the levels, increasing.</param>
    /// <param name="y">The levels (consecutive equal levels are allowed and add their gap to the next move).</param>
    /// <param name="z">Standard-normal quantile of the interval.</param>
    public static (double Rate, double Low, double High, double MoveCorrelation)? Of(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double z)
    {
        int m = x.Length - 1;
        double elapsed = m > 0 ? x[^1] - x[0] : 0;
        if (m < 3 || !(elapsed > 0))
        {
            return null;
        }

        double rate = (y[^1] - y[0]) / elapsed;
        double[] errors = new double[m];
        for (int i = 0; i < m; i++)
        {
            errors[i] = y[i + 1] - y[i] - rate * (x[i + 1] - x[i]);
        }

        // ⌈m^⅓⌉ lags (at least 2, as m ≥ 3): lag 1 also gives the moves' correlation.
        double[] gamma = Autocovariances(errors, Math.Min(m - 1, (int)Math.Ceiling(Math.Cbrt(m))));
        double longRun = LongRunVariance(gamma);
        if (!double.IsFinite(longRun))
        {
            return null;
        }

        double se = Math.Sqrt(m * longRun * m / (m - 1.0)) / elapsed;
        double t = StudentQuantile(z, m - 1);
        double correlation = gamma[0] > 0 ? gamma[1] / gamma[0] : 0;
        return (rate, rate - t * se, rate + t * se, correlation);
    }

    /// <summary>
    /// Student's t quantile with <paramref name="df"/> degrees of freedom at the level of the normal quantile
    /// <paramref name="z"/>: the error variance is estimated from the same few moves, and a dozen steps (a slow leak at
    /// its first verdict) would read ±12 % too sure with z. Cornish–Fisher expansion (Abramowitz &amp; Stegun 26.7.5),
    /// within 1 % of the exact quantile from 3 degrees of freedom.
    /// </summary>
    internal static double StudentQuantile(double z, int df)
    {
        double z2 = z * z;
        double n = df;
        return z
            + z * (z2 + 1) / (4 * n)
            + z * ((5 * z2 + 16) * z2 + 3) / (96 * n * n)
            + z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / (384 * n * n * n)
            + z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / (92160 * n * n * n * n);
    }

    /// <summary>Newey–West long-run variance from the autocovariances γ₀…γ_L: Bartlett weights 1 − k/(L+1).</summary>
    private static double LongRunVariance(double[] gamma)
    {
        int lags = gamma.Length - 1;
        double variance = gamma[0];
        for (int k = 1; k <= lags; k++)
        {
            variance += 2 * (1 - k / (lags + 1.0)) * gamma[k];
        }

        return Math.Max(0, variance);
    }

    /// <summary>The autocovariances of zero-mean errors at lags 0…<paramref name="lags"/>.</summary>
    private static double[] Autocovariances(double[] e, int lags)
    {
        double[] gamma = new double[lags + 1];
        for (int lag = 0; lag <= lags; lag++)
        {
            double sum = 0;
            for (int i = lag; i < e.Length; i++)
            {
                sum += e[i] * e[i - lag];
            }

            gamma[lag] = sum / e.Length;
        }

        return gamma;
    }
}
