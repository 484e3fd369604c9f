namespace LeakHound.Core.Detection;

/// <summary>Where the series started again: a restart (or a reset) inside the window.</summary>
internal static class Segments
{
    /// <summary>The fall must bring the floor back to within this share of its rise above where it started.</summary>
    private const double BackToStart = 0.25;

    /// <summary>
    /// The time of the latest restart in the floor, or null: a fall of the floor's level (the median of three floor
    /// points, so one elevated point — a cycle spent inside a tall peak — is not a level) of at least half its rise since
    /// the segment began, that brings it back to within a quarter of that rise of where the segment started — a process
    /// that restarted (its count back to its pool, its memory back to its start-up size) or a cache that was emptied. A
    /// GC cycle is not one: in a sawtooth the floor is the cycles' minima, which a GC does not move. What came before a
    /// restart says nothing about the process after it, so the window is judged from there.
    /// </summary>
    public static double? LatestRestart(Floor floor, double noise)
    {
        double[] y = floor.Y;
        if (y.Length < 6)
        {
            return null;
        }

        double minRise = Math.Max(6 * noise, 4 * floor.Quantum);
        double start = Level(y, 0);
        double high = start;
        double? latest = null;
        int from = 0;
        for (int i = 3; i < y.Length; i++)
        {
            double before = Level(y, i - 3);
            double after = Level(y, i);
            high = Math.Max(high, before);
            double rise = high - start;
            if (rise > minRise && rise > 0 && after <= start + BackToStart * rise && before - after >= 0.5 * rise && y[i - 1] - y[i] >= 0.5 * rise
                && RoseThroughTheMiddle(y, from, i, start, rise))
            {
                from = i;
                latest = floor.X[i];
                start = after;
                high = after;
            }
        }

        return latest;
    }

    /// <summary>
    /// A process that ran long enough to leak climbed to its high level through the levels in between; a peak the floor
    /// could not shed (a long upload held in memory) jumped there. At least three floor points between a quarter and
    /// three quarters of the rise.
    /// </summary>
    private static bool RoseThroughTheMiddle(double[] y, int from, int to, double start, double rise)
    {
        int between = 0;
        for (int i = from; i < to; i++)
        {
            between += y[i] > start + 0.25 * rise && y[i] < start + 0.75 * rise ? 1 : 0;
        }

        return between >= 3;
    }

    /// <summary>
    /// The median of the three floor points from <paramref name="from"/>; at the window's end, of the one or two there
    /// are (their maximum: a restart that has just happened is believed only when every point after it is low).
    /// </summary>
    private static double Level(double[] y, int from)
    {
        int left = y.Length - from;
        if (left < 3)
        {
            return left == 1 ? y[from] : Math.Max(y[from], y[from + 1]);
        }

        double a = y[from], b = y[from + 1], c = y[from + 2];
        return Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
    }
}
