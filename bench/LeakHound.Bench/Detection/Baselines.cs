namespace LeakHound.Bench.Detection;

/// <summary>The alerting rules LeakHound is compared with. Each returns the trace time of its first alert, or null.</summary>
internal static class Baselines
{
    /// <summary>A static threshold: alert when the value exceeds 80% of the limit (the incidents' "HIGH MEMORY" monitors).</summary>
    public static double? StaticThreshold(LabelledCase c) => StaticThreshold(c, 0.8);

    /// <summary>Alert when the value exceeds <paramref name="fraction"/> of the limit.</summary>
    public static double? StaticThreshold(LabelledCase c, double fraction)
    {
        foreach ((double t, double v) in c.Samples)
        {
            if (v > fraction * c.Limit)
            {
                return t;
            }
        }

        return null;
    }

    /// <summary>
    /// <c>deriv(x[5m]) &gt; 0 and predict_linear(x[5m], 4h) &gt; limit</c>, evaluated every 15 s. Both functions are the
    /// least-squares line over the samples of the last 5 minutes; predict_linear extrapolates it from the evaluation time.
    /// </summary>
    public static double? PrometheusPredictLinear(LabelledCase c) => FirstFiring(PredictLinearConditions(c, 300), 0);

    /// <summary>
    /// The same rule's condition at every 15 s evaluation over a window of <paramref name="windowSeconds"/>: (evaluation
    /// time, condition true).
    /// </summary>
    public static List<(double Now, bool Firing)> PredictLinearConditions(LabelledCase c, double windowSeconds)
    {
        IReadOnlyList<(double T, double Value)> s = c.Samples;
        List<(double Now, bool Firing)> evaluations = [];
        int from = 0;
        int to = 0;
        double end = s[^1].T;
        for (double now = s[0].T + 15; now <= end; now += 15)
        {
            while (to < s.Count && s[to].T <= now) { to++; }
            while (from < to && s[from].T <= now - windowSeconds) { from++; }
            int n = to - from;
            if (n < 2)
            {
                evaluations.Add((now, false));
                continue;
            }

            double mt = 0, mv = 0;
            for (int i = from; i < to; i++) { mt += s[i].T - now; mv += s[i].Value; }
            mt /= n;
            mv /= n;
            double cov = 0, var = 0;
            for (int i = from; i < to; i++)
            {
                double dt = s[i].T - now - mt;
                cov += dt * (s[i].Value - mv);
                var += dt * dt;
            }

            if (var == 0)
            {
                evaluations.Add((now, false));
                continue;
            }

            double slope = cov / var;
            double atNow = mv - slope * mt;
            evaluations.Add((now, slope > 0 && atNow + slope * 4 * 3600 > c.Limit));
        }

        return evaluations;
    }

    /// <summary>
    /// When an alert with Prometheus' <c>for:</c> clause fires: the condition must hold at every evaluation for at least
    /// <paramref name="forSeconds"/> (0: at the first evaluation where it holds).
    /// </summary>
    public static double? FirstFiring(List<(double Now, bool Firing)> evaluations, double forSeconds)
    {
        double? pendingSince = null;
        foreach ((double now, bool firing) in evaluations)
        {
            if (!firing)
            {
                pendingSince = null;
                continue;
            }

            pendingSince ??= now;
            if (now - pendingSince.Value >= forSeconds)
            {
                return now;
            }
        }

        return null;
    }

    /// <summary>
    /// node-memwatch's rule: a "leak" event after 5 consecutive garbage collections whose post-GC level rose each time.
    /// A GC is a fall of the series; the post-GC level is the bottom of that fall. A series that never falls never alerts.
    /// </summary>
    public static double? MemwatchConsecutiveGrowth(LabelledCase c) => MemwatchConsecutiveGrowth(c, 5);

    /// <summary>The memwatch rule with <paramref name="required"/> consecutive rising post-GC levels instead of 5.</summary>
    public static double? MemwatchConsecutiveGrowth(LabelledCase c, int required)
    {
        IReadOnlyList<(double T, double Value)> s = c.Samples;
        double? previousFloor = null;
        int rising = 0;
        for (int i = 1; i < s.Count; i++)
        {
            bool falling = s[i].Value < s[i - 1].Value;
            bool bottom = falling && (i + 1 == s.Count || s[i + 1].Value >= s[i].Value);
            if (!bottom)
            {
                continue;
            }

            double floor = s[i].Value;
            rising = previousFloor is { } p && floor > p ? rising + 1 : 0;
            previousFloor = floor;
            if (rising >= required)
            {
                return s[i].T;
            }
        }

        return null;
    }
}
