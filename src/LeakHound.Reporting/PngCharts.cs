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
            var samples = plot.Add.Scatter(s.T, Scaled(s.V));
            samples.Color = Colors.Gray;
            samples.LineWidth = 1;
            samples.MarkerSize = 0;
            samples.LegendText = "samples";
        }

        if (s.FloorT.Length > 0)
        {
            var floor = plot.Add.Scatter(s.FloorT, Scaled(s.FloorV));
            floor.Color = Colors.Blue;
            floor.LineWidth = 0;
            floor.MarkerSize = 5;
            floor.LegendText = "floor";
        }

        if (s.TrendT.Length > 1)
        {
            var trend = plot.Add.Scatter(s.TrendT, Scaled(s.TrendMid));
            trend.Color = Colors.Red;
            trend.LineWidth = 2;
            trend.MarkerSize = 0;
            trend.LegendText = "trend";
        }

        if (s.DetectedAtSeconds is { } detected)
        {
            var line = plot.Add.VerticalLine(detected);
            line.Color = Colors.Red;
            line.LinePattern = LinePattern.Dashed;
            line.LegendText = "detected";
        }

        plot.Title($"{s.Name}: {s.Verdict}, {s.Rate}");
        plot.XLabel("seconds");
        plot.YLabel(bytes ? "MiB" : s.Name);
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
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
