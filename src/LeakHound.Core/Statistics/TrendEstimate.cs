namespace LeakHound.Core.Statistics;

/// <summary>Result of <see cref="TrendTest"/>: a robust slope, its 95% interval and the evidence that the series rises.</summary>
/// <param name="Slope">Theil–Sen slope (median of pairwise slopes), in value units per time unit.</param>
/// <param name="Intercept">Median of y − slope·x, so the line is y = Intercept + Slope·x.</param>
/// <param name="SlopeLow">Lower end of the 95% interval for the slope (see <see cref="TrendTest"/> for why it is computed at a nominal 97.5%).</param>
/// <param name="SlopeHigh">Upper end of the 95% interval for the slope.</param>
/// <param name="Z">Mann–Kendall statistic, normalised with the autocorrelation-corrected variance.</param>
/// <param name="PRising">One-sided p-value of "no upward trend".</param>
/// <param name="VarianceInflation">Factor by which serial correlation inflated the variance (1 = independent points).</param>
/// <param name="Count">Number of points tested.</param>
public readonly record struct TrendEstimate(
    double Slope,
    double Intercept,
    double SlopeLow,
    double SlopeHigh,
    double Z,
    double PRising,
    double VarianceInflation,
    int Count)
{
    /// <summary>The upward trend is significant at level <paramref name="alpha"/> and its whole interval lies above zero.</summary>
    public bool RisesAt(double alpha) => PRising < alpha && SlopeLow > 0;
}
