using LeakHound.Core.Verdicts;

namespace LeakHound.Watching;

/// <summary>What the watch remembers of one series besides its detector: its latest value and verdict, and since when.</summary>
public sealed class SeriesTrack
{
    public double Latest { get; private set; } = double.NaN;

    public double FirstT { get; private set; } = double.NaN;

    public double LastT { get; private set; }

    /// <summary>The verdict as of the latest round and since when (watch time) it has held.</summary>
    public Verdict Verdict { get; internal set; }

    public double VerdictSince { get; internal set; }

    /// <summary>
    /// A verdict to stop on: a leak at once (it is already confirmed), a healthy one once it has held for a tenth of the
    /// watch, so a shape seen for a moment on the way (a step while a leak gets going) does not end the watch.
    /// </summary>
    public bool IsSettled => Verdict == Verdict.Leak
        || (Verdict != Verdict.Insufficient && LastT - VerdictSince >= 0.1 * (LastT - FirstT));

    /// <summary>The round of the latest sample.</summary>
    internal long Round { get; private set; } = -1;

    internal void Saw(double t, double value, long round)
    {
        Round = round;
        if (double.IsNaN(FirstT))
        {
            FirstT = t;
            VerdictSince = t;
        }

        Latest = value;
        LastT = t;
    }
}
