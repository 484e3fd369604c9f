namespace LeakHound.Core.Simulation;

/// <summary>
/// Labelled integer shapes (threads, descriptors, goroutines): irregular staircases, restarts, pools that warm up in
/// steps, counts that wiggle by one. Deterministic for a seed.
/// </summary>
public static class SyntheticCounts
{
    /// <summary>
    /// A count that gains <paramref name="step"/> at every event, events coming every <paramref name="every"/> seconds
    /// (jittered by up to ±<paramref name="spacingJitter"/> of it), with <paramref name="oddSteps"/> events gaining one
    /// more or one less, a pool jitter of 0…<paramref name="poolJitter"/> on top, and the count back to
    /// <paramref name="baseline"/> at each of <paramref name="restarts"/> (a process restarted by its supervisor).
    /// </summary>
    public static IEnumerable<(double T, double Value)> Staircase(Random rng, double duration, double interval, int baseline, int step,
        double every, double spacingJitter, int oddSteps, int poolJitter, IReadOnlyList<double>? restarts = null)
    {
        List<double> events = [];
        for (double at = every * rng.NextDouble(); at < duration; at += every * (1 + spacingJitter * (2 * rng.NextDouble() - 1)))
        {
            events.Add(at);
        }

        HashSet<int> odd = [];
        while (odd.Count < Math.Min(oddSteps, events.Count))
        {
            odd.Add(rng.Next(events.Count));
        }

        int level = baseline;
        int next = 0;
        int restart = 0;
        for (double t = 0; t <= duration; t += interval)
        {
            for (; next < events.Count && events[next] <= t; next++)
            {
                level += odd.Contains(next) ? step + (rng.Next(2) == 0 ? 1 : -1) : step;
            }

            if (restarts is not null && restart < restarts.Count && t >= restarts[restart])
            {
                level = baseline;
                restart++;
            }

            yield return (t, level + (poolJitter > 0 ? rng.Next(0, poolJitter + 1) : 0));
        }
    }

    /// <summary>
    /// A pool that grows by one at ever longer intervals (the first after <paramref name="firstGap"/>, each gap
    /// <paramref name="growth"/> times the one before) until it reaches <paramref name="bound"/>, then stays there.
    /// </summary>
    public static IEnumerable<(double T, double Value)> WarmingPool(Random rng, double duration, double interval, int start, int bound,
        double firstGap, double growth)
    {
        int level = start;
        double gap = firstGap;
        double next = firstGap * (0.5 + rng.NextDouble());
        for (double t = 0; t <= duration; t += interval)
        {
            while (t >= next && level < bound)
            {
                level++;
                gap *= growth;
                next += gap;
            }

            yield return (t, level);
        }
    }

    /// <summary>A count that sits at <paramref name="level"/> and now and then is one more for a moment (a descriptor opened and closed).</summary>
    public static IEnumerable<(double T, double Value)> Wiggle(Random rng, double duration, double interval, int level, double pUp, double pBack)
    {
        int v = level;
        for (double t = 0; t <= duration; t += interval)
        {
            v = v == level ? (rng.NextDouble() < pUp ? level + 1 : level) : (rng.NextDouble() < pBack ? level : v);
            yield return (t, v);
        }
    }
}
