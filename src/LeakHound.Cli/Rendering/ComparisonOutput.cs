using System.Text.Json;
using LeakHound.Cli.Soak;
using LeakHound.Core.Series;
using LeakHound.Core.Detection;
using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>How a base-versus-candidate comparison is shown and what it means for CI (<c>compare</c>, <c>soak --baseline</c>).</summary>
internal static class ComparisonOutput
{
    public static string Name(ComparisonVerdict v) => v switch
    {
        ComparisonVerdict.Regression => "regression",
        ComparisonVerdict.NoDifference => "no difference",
        ComparisonVerdict.Improvement => "improvement",
        _ => "insufficient",
    };

    /// <summary>1 on any regression; 4 when a resource signal could not be told apart; else 0.</summary>
    public static ExitCode Outcome(IReadOnlyList<GrowthComparison> comparisons) =>
        comparisons.Any(c => c.Verdict == ComparisonVerdict.Regression) ? ExitCode.Leak
        : comparisons.Any(c => c.Verdict == ComparisonVerdict.Insufficient && SeriesKey.Of(c.Series).IsResource) ? ExitCode.Inconclusive
        : ExitCode.NoLeak;

    public static void WriteTable(IAnsiConsole console, string title, IReadOnlyList<GrowthComparison> comparisons, Func<string, double, string> rate)
    {
        Table table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumns("series", "base", "candidate", "excess (95% CI)", "verdict");
        foreach (GrowthComparison c in comparisons)
        {
            string color = c.Verdict switch { ComparisonVerdict.Regression => "red", ComparisonVerdict.Insufficient => "grey", _ => "green" };
            table.AddRow(
                Markup.Escape(c.Series),
                Markup.Escape(Rate(c.Series, c.Base, rate)),
                Markup.Escape(Rate(c.Series, c.Candidate, rate)),
                Markup.Escape(c.Excess is { } e ? $"{rate(c.Series, e)} [{rate(c.Series, c.ExcessLow!.Value)}, {rate(c.Series, c.ExcessHigh!.Value)}]" : "–"),
                $"[{color}]{Name(c.Verdict)}[/]");
        }

        console.Write(table);
        foreach (GrowthComparison c in comparisons.Where(c => c.Verdict != ComparisonVerdict.NoDifference))
        {
            console.MarkupLine($"  [bold]{Markup.Escape(c.Series)}[/] {Name(c.Verdict)}: {Markup.Escape(c.Reason)}");
        }
    }

    private static string Rate(string series, TrendEstimate? t, Func<string, double, string> rate) =>
        t is { } v ? $"{rate(series, v.Slope)} [{rate(series, v.SlopeLow)}, {rate(series, v.SlopeHigh)}]" : "–";

    /// <param name="w">The writer, inside an object.</param>
    /// <param name="comparisons">What to write.</param>
    /// <param name="per">"second" or "iteration": the unit the rates are in.</param>
    public static void WriteJson(Utf8JsonWriter w, IReadOnlyList<GrowthComparison> comparisons, string per)
    {
        w.WriteStartArray("comparisons");
        foreach (GrowthComparison c in comparisons)
        {
            w.WriteStartObject();
            w.WriteString("series", c.Series);
            w.WriteString("verdict", Name(c.Verdict));
            w.WriteString("reason", c.Reason);
            w.WriteString("per", per);
            Trend(w, "base", c.Base);
            Trend(w, "candidate", c.Candidate);
            if (c.Excess is { } e)
            {
                w.WriteNumber("excess", e);
                w.WriteStartArray("excess_ci95");
                w.WriteNumberValue(c.ExcessLow!.Value);
                w.WriteNumberValue(c.ExcessHigh!.Value);
                w.WriteEndArray();
            }
            else
            {
                w.WriteNull("excess");
                w.WriteNull("excess_ci95");
            }

            w.WriteNumber("negligible", c.Negligible);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Trend(Utf8JsonWriter w, string name, TrendEstimate? t)
    {
        w.WritePropertyName(name);
        if (t is not { } v)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        w.WriteNumber("rate", v.Slope);
        w.WriteStartArray("rate_ci95");
        w.WriteNumberValue(v.SlopeLow);
        w.WriteNumberValue(v.SlopeHigh);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static IEnumerable<(string Name, string? Failure, string Message)> JUnitCases(IReadOnlyList<GrowthComparison> comparisons) =>
        comparisons.Select(c => (c.Series,
            c.Verdict == ComparisonVerdict.Regression ? "regression" : c.Verdict == ComparisonVerdict.Insufficient && SeriesKey.Of(c.Series).IsResource ? "inconclusive" : (string?)null,
            $"{Name(c.Verdict)}: {c.Reason}"));

    /// <summary>A rate per minute in the series' unit (a per-second rate).</summary>
    public static string PerMinute(string series, double perSecond) => VerdictText.Value(series, perSecond * 60, signed: true) + "/min";

    /// <summary>A rate per iteration in the series' unit.</summary>
    public static string PerIteration(string series, double perIteration) => VerdictText.Value(series, perIteration, signed: true) + "/iteration";
}
