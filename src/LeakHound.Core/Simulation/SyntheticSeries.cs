namespace LeakHound.Core.Simulation;

/// <summary>
/// Labelled synthetic shapes for tests and the detection benchmark: GC sawtooth (with or without a leak under it),
/// warm-up plateaus, steps and integer staircases. Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public static class SyntheticSeries
{
    /// <summary>A GC sawtooth: linear ramps of <paramref name="amplitude"/> over a period jittered by ±20%, dropping back to a floor that rises at <paramref name="drift"/> per second.</summary>
    public static IEnumerable<(double T, double Value)> Sawtooth(
        Random rng, double duration, double interval, double floor, double amplitude, double period, double drift, double noise)
    {
        double cycleStart = 0;
        double cycleLength = period * (0.8 + 0.4 * rng.NextDouble());
        for (double t = 0; t <= duration; t += interval)
        {
            while (t - cycleStart >= cycleLength)
            {
                cycleStart += cycleLength;
                cycleLength = period * (0.8 + 0.4 * rng.NextDouble());
            }

            double phase = (t - cycleStart) / cycleLength;
            yield return (t, floor + drift * t + amplitude * phase + noise * Gaussian(rng));
        }
    }

    /// <summary>Exponential warm-up to a plateau: floor + rise·(1 − e^(−t/τ)).</summary>
    public static IEnumerable<(double T, double Value)> WarmUp(
        Random rng, double duration, double interval, double floor, double rise, double tau, double noise)
    {
        for (double t = 0; t <= duration; t += interval)
        {
            yield return (t, floor + rise * (1 - Math.Exp(-t / tau)) + noise * Gaussian(rng));
        }
    }

    /// <summary>A cache filling at a constant rate until it reaches its bound at <paramref name="fillTime"/>, then flat.</summary>
    public static IEnumerable<(double T, double Value)> LinearFill(
        Random rng, double duration, double interval, double floor, double rise, double fillTime, double noise)
    {
        for (double t = 0; t <= duration; t += interval)
        {
            yield return (t, floor + rise * Math.Min(1, t / fillTime) + noise * Gaussian(rng));
        }
    }

    /// <summary>A flat level that jumps once by <paramref name="jump"/> at <paramref name="at"/>.</summary>
    public static IEnumerable<(double T, double Value)> Step(
        Random rng, double duration, double interval, double level, double jump, double at, double noise)
    {
        for (double t = 0; t <= duration; t += interval)
        {
            yield return (t, level + (t >= at ? jump : 0) + noise * Gaussian(rng));
        }
    }

    /// <summary>An integer count (threads, FDs, goroutines) gaining one every <paramref name="every"/> seconds, over a pool that fluctuates by up to <paramref name="jitter"/>.</summary>
    public static IEnumerable<(double T, double Value)> Staircase(
        Random rng, double duration, double interval, int baseline, double every, int jitter)
    {
        double offset = rng.NextDouble() * every;
        for (double t = 0; t <= duration; t += interval)
        {
            int leaked = double.IsPositiveInfinity(every) ? 0 : (int)Math.Floor((t + offset) / every);
            yield return (t, baseline + leaked + (jitter > 0 ? rng.Next(0, jitter + 1) : 0));
        }
    }

    /// <summary>Standard normal deviate (Box–Muller).</summary>
    public static double Gaussian(Random rng)
    {
        double u1 = 1 - rng.NextDouble();
        double u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
