using LeakHound.Core.Verdicts;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>The final verdicts as a table, with the reason for each.</summary>
internal static class VerdictTable
{
    public static void Write(IAnsiConsole console, string title, IEnumerable<SeriesVerdict> verdicts)
    {
        Table table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title));
        table.AddColumns("series", "verdict", "rate (95% CI)", "confidence", "detected at", "time to limit");
        List<SeriesVerdict> explained = [];
        foreach (SeriesVerdict v in verdicts)
        {
            table.AddRow(
                new Markup(Markup.Escape(v.Series)),
                new Markup($"[{VerdictText.Color(v.Verdict)}]{v.Verdict.ToName()}[/]"),
                new Markup(Markup.Escape(VerdictText.Rate(v))),
                new Markup(v.Verdict == Verdict.Leak || v.Confidence > 0 ? $"{v.Confidence:P1}" : "–"),
                new Markup(v.DetectedAtSeconds is { } d ? VerdictText.Seconds(d) : "–"),
                new Markup(Markup.Escape(VerdictText.TimeToLimit(v))));
            if (Core.Series.SeriesKey.Of(v.Series).IsTreeLevel || v.Verdict == Verdict.Leak)
            {
                explained.Add(v);
            }
        }

        console.Write(table);
        foreach (SeriesVerdict v in explained)
        {
            console.MarkupLine($"  [bold]{Markup.Escape(v.Series)}[/] [{VerdictText.Color(v.Verdict)}]{v.Verdict.ToName()}[/]: {Markup.Escape(v.Reason)}");
        }
    }
}
