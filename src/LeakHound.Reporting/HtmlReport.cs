using System.Reflection;
using System.Text;
using System.Text.Json;

namespace LeakHound.Reporting;

/// <summary>
/// Renders a report as one self-contained HTML file: the chart library, styles, script and data are all inlined, so
/// it opens offline, attaches to a ticket and prints.
/// </summary>
public static class HtmlReport
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new Core.Verdicts.VerdictJson.Converter() }, // the verdict document, as every other output writes it
    };

    public static string Render(ReportDocument report)
    {
        string data = JsonSerializer.Serialize(report, s_json)
            .Replace("</", "<\\/", StringComparison.Ordinal); // a series name must never close the script element

        return Resource("report.html")
            .Replace("/*UPLOT_CSS*/", Resource("uPlot.css"), StringComparison.Ordinal)
            .Replace("/*REPORT_CSS*/", Resource("report.css"), StringComparison.Ordinal)
            .Replace("/*UPLOT_JS*/", Resource("uPlot.js"), StringComparison.Ordinal)
            .Replace("/*REPORT_JS*/", Resource("report.js"), StringComparison.Ordinal)
            .Replace("/*REPORT_DATA*/", data, StringComparison.Ordinal)
            .Replace("<!--TITLE-->", System.Net.WebUtility.HtmlEncode($"{report.Title}: {report.Source}"), StringComparison.Ordinal);
    }

    /// <summary>Writes the report next to nothing else; the file is complete or not there (written to a temp name, then moved).</summary>
    public static void Write(ReportDocument report, string path)
    {
        string full = Path.GetFullPath(path);
        string temp = full + ".tmp";
        File.WriteAllText(temp, Render(report), new UTF8Encoding(false));
        File.Move(temp, full, overwrite: true);
    }

    private static string Resource(string name)
    {
        using Stream stream = typeof(HtmlReport).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"report asset {name} is missing from the build");
        using StreamReader reader = new(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
