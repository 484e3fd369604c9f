using LeakHound.Core.Detection;

namespace LeakHound.Cli.Watching;

/// <summary>A watched series: its detector and the last few values for the sparkline.</summary>
public sealed class SeriesState(SeriesDetector detector)
{
    public const int SparkLength = 32;
    private readonly double[] _recent = new double[SparkLength];
    private int _count;

    public SeriesDetector Detector { get; } = detector;

    public double Latest { get; private set; } = double.NaN;

    public void Add(double t, double value)
    {
        Detector.Add(t, value);
        Latest = value;
        _recent[_count++ % SparkLength] = value;
    }

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
