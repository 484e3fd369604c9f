using LeakHound.Core.Verdicts;
using System.Text;
using ScottPlot;

namespace LeakHound.Reporting;

/// <summary>One PNG chart per signal (ScottPlot), for pasting into tickets: samples, floor, trend with its band, detection.</summary>
public static class PngCharts
{
    public const int Width = 960;
    public const int Height = 400;

    /// <summary>Writes DIR/&lt;series&gt;.png for every series of the report; returns the files written.</summary>
    public static IReadOnlyList<string> Write(ReportDocument report, string directory)
    {
        Directory.CreateDirectory(directory);
        List<string> files = [];
        HashSet<string> taken = new(StringComparer.Ordinal);
        foreach (SeriesReport s in report.Series)
        {
            string name = FileName(s.Name);
            for (int i = 2; !taken.Add(name); i++)
            {
                name = $"{FileName(s.Name)}-{i}";
            }

            string path = Path.Combine(directory, name + ".png");
            Render(s).SavePng(path, Width, Height);
            files.Add(path);
        }

        return files;
    }

    internal static Plot Render(SeriesReport s)
    {
        Plot plot = new();
        bool bytes = s.Unit == "bytes";
        double scale = bytes ? 1024 * 1024 : 1;
        double[] Scaled(double[] v) => [.. v.Select(x => x / scale)];

        if (s.TrendT.Length > 1)
        {
            var band = plot.Add.FillY(s.TrendT, Scaled(s.TrendLow), Scaled(s.TrendHigh));
            band.FillColor = Colors.Red.WithAlpha(0.15);
            band.LineWidth = 0;
            band.LegendText = "95% band";
        }

        if (s.T.Length > 0)
        {
            AddScatter(plot, s.T, Scaled(s.V), Colors.Gray, lineWidth: 1, markerSize: 0, "samples");
        }

        if (s.FloorT.Length > 0)
        {
            AddScatter(plot, s.FloorT, Scaled(s.FloorV), Colors.Blue, lineWidth: 0, markerSize: 5, "floor");
        }

        if (s.TrendT.Length > 1)
        {
            AddScatter(plot, s.TrendT, Scaled(s.TrendMid), Colors.Red, lineWidth: 2, markerSize: 0, "trend");
        }

        if (s.Verdict.DetectedAtSeconds is { } detected)
        {
            var line = plot.Add.VerticalLine(detected);
            line.Color = Colors.Red;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "detected";
        }

        plot.Title($"{s.Name}: {s.Verdict.Verdict.ToName()}, {Core.Verdicts.VerdictText.Rate(s.Verdict)}");
        plot.XLabel("seconds");
        plot.YLabel(bytes ? "MiB" : s.Name);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    /// <summary>A line (markerSize 0) or a set of dots (lineWidth 0) with its legend entry.</summary>
    private static void AddScatter(Plot plot, double[] x, double[] y, Color color, float lineWidth, float markerSize, string legend)
    {
        var scatter = plot.Add.Scatter(x, y);
        scatter.Color = color;
        scatter.LineWidth = lineWidth;
        scatter.MarkerSize = markerSize;
        scatter.LegendText = legend;
    }

    /// <summary>A file name from a series name: letters, digits, '-', '_' and '.'; runs of anything else become one '_'.</summary>
    internal static string FileName(string series)
    {
        StringBuilder sb = new(series.Length);
        foreach (char c in series)
        {
            char safe = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_';
            if (safe != '_' || sb.Length == 0 || sb[^1] != '_')
            {
                sb.Append(safe);
            }
        }

        string name = sb.ToString().Trim('_', '.');
        return name.Length == 0 ? "series" : name[..Math.Min(name.Length, 120)];
    }
}
