using System.Globalization;
using System.Text;

namespace LeakHound.Core.Traces;

/// <summary>Writes samples as they arrive, in the long CSV or JSON-lines format that <see cref="TraceReader"/> reads back.</summary>
public sealed class TraceWriter(TextWriter writer, TraceFileFormat format) : IDisposable
{
    private bool _headerWritten;

    public void Write(double tSeconds, string series, double value)
    {
        if (!double.IsFinite(value))
        {
            return;
        }

        if (format == TraceFileFormat.Csv)
        {
            if (!_headerWritten)
            {
                writer.WriteLine("t_seconds,series,value");
                _headerWritten = true;
            }

            writer.Write(tSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(CsvLine.Quote(series));
            writer.Write(',');
            writer.WriteLine(value.ToString("R", CultureInfo.InvariantCulture));
        }
        else
        {
            StringBuilder line = new("{\"t_seconds\":");
            line.Append(tSeconds.ToString("0.###", CultureInfo.InvariantCulture));
            line.Append(",\"series\":");
            line.Append(System.Text.Json.JsonSerializer.Serialize(series));
            line.Append(",\"value\":");
            line.Append(value.ToString("R", CultureInfo.InvariantCulture));
            line.Append('}');
            writer.WriteLine(line);
        }
    }

    public void Flush() => writer.Flush();

    public void Dispose() => writer.Dispose();

    /// <summary>JSON lines for .jsonl/.ndjson/.json, CSV otherwise.</summary>
    public static TraceFileFormat FormatFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".jsonl" or ".ndjson" or ".json" => TraceFileFormat.JsonLines,
        _ => TraceFileFormat.Csv,
    };
}

public enum TraceFileFormat
{
    Csv,
    JsonLines,
}
