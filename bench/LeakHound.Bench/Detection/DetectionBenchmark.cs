using System.Globalization;
using System.Text;
using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;

namespace LeakHound.Bench.Detection;

/// <summary>Scores LeakHound and the three baselines on the labelled corpus, side by side, in one run.</summary>
internal static class DetectionBenchmark
{
    private sealed record Scored(string Method, double?[] FirstAlert);

    public static string Run()
    {
        IReadOnlyList<LabelledCase> cases = Corpus.Build();
        (string Name, Func<LabelledCase, double?> Detect)[] methods =
        [
            ("LeakHound", LeakHoundFirstLeak),
            ("static threshold (80% of limit)", Baselines.StaticThreshold),
            ("Prometheus deriv+predict_linear 4h", Baselines.PrometheusPredictLinear),
            ("memwatch (5 rising post-GC minima)", Baselines.MemwatchConsecutiveGrowth),
        ];
        List<Scored> scores = methods.Select(m => new Scored(m.Name, cases.Select(m.Detect).ToArray())).ToList();

        StringBuilder md = new();
        md.AppendLine("| case | truth | " + string.Join(" | ", methods.Select(m => m.Name)) + " |");
        md.AppendLine("|---|---|" + string.Concat(methods.Select(_ => "---|")));
        for (int i = 0; i < cases.Count; i++)
        {
            LabelledCase c = cases[i];
            md.Append($"| {c.Name} | {(c.Leaks ? "leak" : "healthy")} |");
            foreach (Scored s in scores)
            {
                md.Append(' ').Append(Cell(c, s.FirstAlert[i])).Append(" |");
            }

            md.AppendLine();
        }

        md.AppendLine();
        md.AppendLine("| method | true positives | false negatives | false alarms (healthy cases alerted) | median time to detect (leaks; missed = ∞) |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (Scored s in scores)
        {
            SummaryRow(md, s.Method, s.FirstAlert, cases);
        }

        double leakHoundMedian = TunedBaselines.MedianDetection(scores[0].FirstAlert, cases);
        md.AppendLine();
        md.AppendLine("At equal false-alarm rate: each baseline with the parameters (searched over a grid, tuned on this very corpus) that raise no false alarm and detect fastest.");
        md.AppendLine();
        md.AppendLine("| method, best zero-false-alarm setting | true positives | false negatives | false alarms | median time to detect | LeakHound's median vs it |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (IReadOnlyList<TunedBaselines.Setting> family in TunedBaselines.Families(cases))
        {
            TunedBaselines.Setting? best = TunedBaselines.Best(family, cases);
            if (best is null)
            {
                md.AppendLine($"| {family[0].Family}: every setting of the grid false-alarms | – | – | – | – | – |");
                continue;
            }

            double median = TunedBaselines.MedianDetection(best.FirstAlert, cases);
            SummaryRow(md, $"{best.Family} ({best.Parameters})", best.FirstAlert, cases,
                double.IsPositiveInfinity(median) ? "– (baseline median ∞)" : string.Create(CultureInfo.InvariantCulture, $"{leakHoundMedian / median:0.00}×"));
        }

        return md.ToString();
    }

    private static double? LeakHoundFirstLeak(LabelledCase c)
    {
        SeriesDetector detector = new("x", DetectorOptions.Default, c.Limit);
        foreach ((double t, double v) in c.Samples)
        {
            detector.Add(t, v);
            if (detector.Current.Verdict == Verdict.Leak)
            {
                return t;
            }
        }

        return null;
    }

    private static string Cell(LabelledCase c, double? alert) => (c.Leaks, alert) switch
    {
        (true, { } t) => Duration(t),
        (true, null) => "missed",
        (false, { } t) => $"**false alarm at {Duration(t)}**",
        (false, null) => "quiet ✓",
    };

    private static void SummaryRow(StringBuilder md, string method, double?[] firstAlert, IReadOnlyList<LabelledCase> cases, string? extra = null)
    {
        int tp = cases.Where((c, i) => c.Leaks && firstAlert[i] is not null).Count();
        int fn = cases.Count(c => c.Leaks) - tp;
        int fp = cases.Where((c, i) => !c.Leaks && firstAlert[i] is not null).Count();
        md.AppendLine($"| {method} | {tp} | {fn} | {fp} | {Duration(TunedBaselines.MedianDetection(firstAlert, cases))} |" + (extra is null ? "" : $" {extra} |"));
    }

    private static string Duration(double seconds) => double.IsPositiveInfinity(seconds) ? "∞" : double.IsNaN(seconds) ? "–"
        : seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h")
        : seconds >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
