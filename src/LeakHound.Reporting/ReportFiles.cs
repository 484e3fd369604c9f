namespace LeakHound.Reporting;

/// <summary>A report file or chart directory that cannot be written; one line for people.</summary>
public sealed class ReportException(string message) : Exception(message);

/// <summary>Writes a report where it was asked for: the HTML page, the PNG charts, or both.</summary>
public static class ReportFiles
{
    /// <exception cref="ReportException">A file cannot be written (the message names the option and the path).</exception>
    public static void Write(ReportDocument report, string? html, string? pngDirectory)
    {
        if (report.Series.Count == 0)
        {
            throw new ReportException($"no series of '{report.Source}' to report");
        }

        try
        {
            if (html is not null)
            {
                HtmlReport.Write(report, html);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportException($"--report/-o: cannot write '{html}': {e.Message}");
        }

        try
        {
            if (pngDirectory is not null)
            {
                PngCharts.Write(report, pngDirectory);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ReportException($"--png: cannot write into '{pngDirectory}': {e.Message}");
        }
    }
}
