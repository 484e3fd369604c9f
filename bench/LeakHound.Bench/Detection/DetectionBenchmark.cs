using System.Globalization;
using System.Text;
using LeakHound.Core.Detection;

namespace LeakHound.Bench.Detection;

/// <summary>
/// Scores LeakHound and the three baselines on the labelled corpus, side by side, in one run, in both directions: the
/// first alert on each case (a false alarm on a healthy one), and on each leak the 30-second cuts at which the method
/// called it healthy. A baseline has no "not yet": until it alerts, it says the service is fine.
/// </summary>
internal static class DetectionBenchmark
{
    /// <summary>Cuts before this are not scored for false healthy: LeakHound says "insufficient" until its minimum span.</summary>
    private const double ScoredFrom = 300;

    private sealed record Scored(string Method, double?[] FirstAlert, int[] FalseHealthyCuts, int[] ScoredCuts);

    public static string Run()
    {
        IReadOnlyList<LabelledCase> cases = DetectionCorpus.Build();
        OnlineScore[] leakHound = [.. cases.AsParallel().AsOrdered().Select(c => OnlineScore.Of(c, DetectorOptions.Default))];
        List<Scored> scores =
        [
            new("LeakHound", [.. leakHound.Select(s => s.FirstLeakAt ?? s.FalseLeakAt)],
                [.. leakHound.Select(s => s.FalseHealthy.Count(f => f.T >= ScoredFrom))], [.. cases.Select(ScoredCuts)]),
            Baseline("static threshold (80% of limit)", cases, Baselines.StaticThreshold),
            Baseline("Prometheus deriv+predict_linear 4h", cases, Baselines.PrometheusPredictLinear),
            Baseline("memwatch (5 rising post-GC minima)", cases, Baselines.MemwatchConsecutiveGrowth),
        ];

        StringBuilder md = new();
        md.AppendLine("| case | truth | " + string.Join(" | ", scores.Select(m => m.Method)) + " |");
        md.AppendLine("|---|---|" + string.Concat(scores.Select(_ => "---|")));
        for (int i = 0; i < cases.Count; i++)
        {
            LabelledCase c = cases[i];
            md.Append($"| {c.Name} | {(c.Leaks ? c.LeaksUntil is { } u ? $"leak until {Duration(u)}" : "leak" : "healthy")} |");
            foreach (Scored s in scores)
            {
                md.Append(' ').Append(Cell(c, s.FirstAlert[i], s.FalseHealthyCuts[i], s.ScoredCuts[i], s == scores[0])).Append(" |");
            }

            md.AppendLine();
        }

        md.AppendLine();
        md.AppendLine($"| method | true positives | false negatives | false alarms (healthy cases alerted) | false healthy (leaks called healthy at a 30-s cut after {Duration(ScoredFrom)}) | share of those cuts | median time to detect (leaks; missed = ∞) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        foreach (Scored s in scores)
        {
            SummaryRow(md, s, cases);
        }

        double leakHoundMedian = TunedBaselines.MedianDetection(scores[0].FirstAlert, cases);
        md.AppendLine();
        md.AppendLine("At equal false-alarm rate: each baseline with the parameters (searched over a grid, tuned on this very corpus) that raise no false alarm and detect fastest.");
        md.AppendLine();
        md.AppendLine("| method, best zero-false-alarm setting | true positives | false negatives | false alarms | false healthy | share of those cuts | median time to detect | LeakHound's median vs it |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (IReadOnlyList<TunedBaselines.Setting> family in TunedBaselines.Families(cases))
        {
            TunedBaselines.Setting? best = TunedBaselines.Best(family, cases);
            if (best is null)
            {
                md.AppendLine($"| {family[0].Family}: every setting of the grid false-alarms | – | – | – | – | – | – | – |");
                continue;
            }

            double median = TunedBaselines.MedianDetection(best.FirstAlert, cases);
            Scored tuned = FromAlerts($"{best.Family} ({best.Parameters})", cases, best.FirstAlert);
            SummaryRow(md, tuned, cases,
                double.IsPositiveInfinity(median) ? "– (baseline median ∞)" : string.Create(CultureInfo.InvariantCulture, $"{leakHoundMedian / median:0.00}×"));
        }

        return md.ToString();
    }

    private static Scored Baseline(string name, IReadOnlyList<LabelledCase> cases, Func<LabelledCase, double?> detect) =>
        FromAlerts(name, cases, [.. cases.Select(detect)]);

    /// <summary>A rule that has not alerted by a cut claims the service is fine at that cut.</summary>
    private static Scored FromAlerts(string name, IReadOnlyList<LabelledCase> cases, double?[] alerts) =>
        new(name, alerts, [.. cases.Select((c, i) => c.Leaks ? Cuts(c).Count(t => alerts[i] is not { } a || a - c.Samples[0].T > t) : 0)],
            [.. cases.Select(ScoredCuts)]);

    private static int ScoredCuts(LabelledCase c) => c.Leaks ? Cuts(c).Count() : 0;

    /// <summary>The scored cuts of a leak (trace time from its start): every 30 s from the minimum span until it stops.</summary>
    private static IEnumerable<double> Cuts(LabelledCase c)
    {
        double end = Math.Min(c.Samples[^1].T - c.Samples[0].T, c.LeaksUntil ?? double.PositiveInfinity);
        for (double t = Math.Max(ScoredFrom, Math.Ceiling(c.LeaksFrom / OnlineScore.CutEvery) * OnlineScore.CutEvery); t <= end; t += OnlineScore.CutEvery)
        {
            yield return t;
        }
    }

    private static string Cell(LabelledCase c, double? alert, int falseHealthy, int scored, bool leakHound)
    {
        string healthy = falseHealthy > 0 ? $", **healthy at {falseHealthy}/{scored} cuts**" : "";
        return (c.Leaks, alert) switch
        {
            (true, { } t) => Duration(t - c.Samples[0].T) + healthy,
            (true, null) => (leakHound && !c.ExpectDetection ? "insufficient to the end" : "missed") + healthy,
            (false, { } t) => $"**false alarm at {Duration(t - c.Samples[0].T)}**",
            (false, null) => "quiet ✓",
        };
    }

    private static void SummaryRow(StringBuilder md, Scored s, IReadOnlyList<LabelledCase> cases, string? extra = null)
    {
        int tp = cases.Where((c, i) => c.Leaks && s.FirstAlert[i] is not null).Count();
        int fn = cases.Count(c => c.Leaks) - tp;
        int fp = cases.Where((c, i) => !c.Leaks && s.FirstAlert[i] is not null).Count();
        int falseHealthy = cases.Where((c, i) => s.FalseHealthyCuts[i] > 0).Count();
        double share = (double)s.FalseHealthyCuts.Sum() / Math.Max(1, s.ScoredCuts.Sum());
        string median = Duration(TunedBaselines.MedianDetection(s.FirstAlert, cases));
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {s.Method} | {tp} | {fn} | {fp} | {falseHealthy} | {share:P1} | {median} |") + (extra is null ? "" : $" {extra} |"));
    }

    private static string Duration(double seconds) => double.IsPositiveInfinity(seconds) ? "∞" : double.IsNaN(seconds) ? "–"
        : seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h")
        : seconds >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
