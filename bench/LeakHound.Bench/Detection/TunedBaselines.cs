using System.Globalization;

namespace LeakHound.Bench.Detection;

/// <summary>
/// Each baseline family at its best operating point: the parameter setting, searched over a grid, that raises no false
/// alarm on any healthy case of the corpus and has the shortest median time to detect the leaks. Tuned on the very
/// cases it is scored on, so it is the best the rule could possibly do here — a comparison at equal false-alarm rate.
/// </summary>
internal static class TunedBaselines
{
    /// <summary>One setting of a rule: its parameters as text and its first alert per case (null: never).</summary>
    public sealed record Setting(string Family, string Parameters, double?[] FirstAlert);

    public static IEnumerable<IReadOnlyList<Setting>> Families(IReadOnlyList<LabelledCase> cases)
    {
        yield return [.. new[] { 0.5, 0.6, 0.7, 0.8, 0.9 }.Select(f => new Setting("static threshold", Invariant($"{f:P0} of limit"),
            [.. cases.Select(c => Baselines.StaticThreshold(c, f))]))];

        double[] windows = [300, 900, 1800, 3600];
        double[] forDurations = [0, 300, 900, 1800];
        List<(double Now, bool Firing)>[][] conditions = [.. windows.Select(w => cases.Select(c => Baselines.PredictLinearConditions(c, w)).ToArray())];
        List<Setting> prometheus = [];
        for (int w = 0; w < windows.Length; w++)
        {
            foreach (double forSeconds in forDurations)
            {
                prometheus.Add(new Setting("Prometheus deriv+predict_linear 4h", Invariant($"[{windows[w] / 60:0}m], for: {forSeconds / 60:0}m"),
                    [.. conditions[w].Select(e => Baselines.FirstFiring(e, forSeconds))]));
            }
        }

        yield return prometheus;

        yield return [.. new[] { 5, 10, 20, 40, 80 }.Select(n => new Setting("memwatch", Invariant($"{n} rising post-GC minima"),
            [.. cases.Select(c => Baselines.MemwatchConsecutiveGrowth(c, n))]))];
    }

    /// <summary>The setting without false alarms and with the shortest median detection time; null if every setting false-alarms.</summary>
    public static Setting? Best(IReadOnlyList<Setting> family, IReadOnlyList<LabelledCase> cases) =>
        family
            .Where(s => !cases.Where((c, i) => !c.Leaks && s.FirstAlert[i] is not null).Any())
            .OrderBy(s => MedianDetection(s.FirstAlert, cases))
            .ThenByDescending(s => cases.Where((c, i) => c.Leaks && s.FirstAlert[i] is not null).Count())
            .FirstOrDefault();

    /// <summary>Median time to detect over the leaking cases, a missed leak counting as infinitely late.</summary>
    public static double MedianDetection(double?[] firstAlert, IReadOnlyList<LabelledCase> cases)
    {
        List<double> times = [.. cases.Select((c, i) => (c, i)).Where(x => x.c.Leaks).Select(x => firstAlert[x.i] ?? double.PositiveInfinity)];
        if (times.Count == 0)
        {
            return double.NaN;
        }

        times.Sort();
        int mid = times.Count / 2;
        return times.Count % 2 == 1 ? times[mid] : (times[mid - 1] + times[mid]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
