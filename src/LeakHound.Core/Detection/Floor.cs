namespace LeakHound.Core.Detection;

/// <summary>The lower envelope of a window of history: one point per GC-like cycle, or per bucket when there is no sawtooth.</summary>
/// <param name="X">Times of the floor points.</param>
/// <param name="Y">Floor values.</param>
/// <param name="TrendX">Points for the trend test: as X, but runs of identical values (a count that sits still) collapse to their first point.</param>
/// <param name="TrendY">Values matching <paramref name="TrendX"/>.</param>
/// <param name="Cycles">Drops seen in the window (0 when not in cycle mode).</param>
/// <param name="Amplitude">Median size of those drops, 0 without cycles.</param>
/// <param name="Quantum">1 for a series that only ever takes whole values (a count), 0 for a continuous one.</param>
internal sealed record Floor(double[] X, double[] Y, double[] TrendX, double[] TrendY, int Cycles, double Amplitude, double Quantum = 0)
{
    public bool HasCycles => Cycles > 0;

    public bool IsCount => Quantum > 0;

    /// <summary>Time from the first to the last floor point.</summary>
    public double Span => X.Length == 0 ? 0 : X[^1] - X[0];
}
