namespace LeakHound.Core.Detection;

/// <summary>The lower envelope of a window of history: one point per GC-like cycle, or per bucket when there is no sawtooth.</summary>
/// <param name="X">Times of the floor points.</param>
/// <param name="Y">Floor values.</param>
/// <param name="TrendX">Points for the trend test: as X, but runs of identical values (a count that sits still) collapse to their first point.</param>
/// <param name="TrendY">Values matching <paramref name="TrendX"/>.</param>
/// <param name="Cycles">Drops seen in the window (0 when not in cycle mode).</param>
/// <param name="Amplitude">Median size of those drops, 0 without cycles.</param>
internal sealed record Floor(double[] X, double[] Y, double[] TrendX, double[] TrendY, int Cycles, double Amplitude)
{
    public bool HasCycles => Cycles > 0;
}
