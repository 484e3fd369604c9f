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
            int tp = 0, fn = 0, fp = 0;
            List<double> times = [];
            for (int i = 0; i < cases.Count; i++)
            {
                if (cases[i].Leaks)
                {
                    if (s.FirstAlert[i] is { } t) { tp++; times.Add(t); } else { fn++; times.Add(double.PositiveInfinity); }
                }
                else if (s.FirstAlert[i] is not null)
                {
                    fp++;
                }
            }

            md.AppendLine($"| {s.Method} | {tp} | {fn} | {fp} | {Duration(Median(times))} |");
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

    private static double Median(List<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        values.Sort();
        int mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    private static string Duration(double seconds) => double.IsPositiveInfinity(seconds) ? "∞" : double.IsNaN(seconds) ? "–"
        : seconds >= 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.0} h")
        : seconds >= 60 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.0} min")
        : string.Create(CultureInfo.InvariantCulture, $"{seconds:0} s");
}
