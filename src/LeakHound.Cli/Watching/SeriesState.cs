using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Watching;

/// <summary>A watched series: its detector and the last few values for the sparkline.</summary>
public sealed class SeriesState(SeriesDetector detector)
{
    public const int SparkLength = 32;
    private readonly double[] _recent = new double[SparkLength];
    private int _count;

    public SeriesDetector Detector { get; } = detector;

    public double Latest { get; private set; } = double.NaN;

    /// <summary>The current verdict and since when (watch time) it has held.</summary>
    public Verdict Verdict { get; private set; }

    public double VerdictSince { get; private set; }

    public double LastT { get; private set; }

    public double FirstT { get; private set; } = double.NaN;

    public void Add(double t, double value)
    {
        Detector.Add(t, value);
        Latest = value;
        LastT = t;
        if (double.IsNaN(FirstT))
        {
            FirstT = t;
        }

        _recent[_count++ % SparkLength] = value;
        Verdict now = Detector.Current.Verdict;
        if (now != Verdict)
        {
            Verdict = now;
            VerdictSince = t;
        }
    }

    /// <summary>
    /// A verdict to stop on: a leak at once (it is already confirmed), anything else once it has held for a tenth of
    /// the watch, so a shape seen for a moment on the way (a step while a leak gets going) does not end the watch.
    /// </summary>
    public bool IsSettled => Verdict == Verdict.Leak
        || (Verdict != Verdict.Insufficient && LastT - VerdictSince >= 0.1 * (LastT - FirstT));

    /// <summary>The most recent values, oldest first.</summary>
    public double[] Recent()
    {
        int n = Math.Min(_count, SparkLength);
        double[] values = new double[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = _recent[(_count - n + i) % SparkLength];
        }

        return values;
    }
}
