using System.Globalization;
using System.Text.Json;

namespace LeakHound.Core.Traces;

/// <summary>Reads a recorded trace: long CSV (<c>t_seconds,series,value</c>), wide CSV (<c>t_seconds,&lt;series…&gt;</c>) or the JSON lines that <c>--out</c> writes.</summary>
public static class TraceReader
{
    /// <summary>Largest magnitude accepted for a value: beyond it differences overflow and it cannot be a measurement.</summary>
    public const double MaxMagnitude = 1e300;

    /// <summary>Reads the whole trace. Throws <see cref="TraceFormatException"/> with the line number on bad input.</summary>
    public static Trace Read(TextReader reader)
    {
        Trace trace = new();
        string? first;
        int lineNumber = 0;
        do
        {
            first = reader.ReadLine();
            lineNumber++;
        }
        while (first is not null && string.IsNullOrWhiteSpace(first));

        if (first is null)
        {
            throw new TraceFormatException("the trace is empty: expected a CSV header 't_seconds,series,value' or JSON lines");
        }

        first = first.TrimStart('\uFEFF');
        if (first.TrimStart().StartsWith('{'))
        {
            ReadJsonLines(reader, first, lineNumber, trace);
        }
        else
        {
            ReadCsv(reader, first, lineNumber, trace);
        }

        if (trace.SampleCount == 0)
        {
            throw new TraceFormatException("the trace has a header but no samples");
        }

        trace.SortIfNeeded();
        return trace;
    }

    private static void ReadCsv(TextReader reader, string header, int lineNumber, Trace trace)
    {
        List<string> columns = [];
        if (!CsvLine.TrySplit(header, columns, out string? error))
        {
            throw new TraceFormatException($"line {lineNumber}: {error}");
        }

        if (columns.Count < 2 || !string.Equals(columns[0], "t_seconds", StringComparison.OrdinalIgnoreCase))
        {
            throw new TraceFormatException($"line {lineNumber}: expected a header starting with 't_seconds' (long: 't_seconds,series,value'; wide: 't_seconds,<series1>,<series2>,…'), found '{Shorten(header)}'");
        }

        bool isLong = columns.Count == 3
            && string.Equals(columns[1], "series", StringComparison.OrdinalIgnoreCase)
            && string.Equals(columns[2], "value", StringComparison.OrdinalIgnoreCase);
        if (!isLong && columns.Skip(1).Any(string.IsNullOrEmpty))
        {
            throw new TraceFormatException($"line {lineNumber}: a series column has no name");
        }

        if (!isLong)
        {
            columns.Skip(1).ToList().ForEach(c => CheckName(c, lineNumber));
        }

        List<string> fields = [];
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            if (!CsvLine.TrySplit(line, fields, out error))
            {
                throw new TraceFormatException($"line {lineNumber}: {error}");
            }

            if (fields.Count != columns.Count)
            {
                throw new TraceFormatException($"line {lineNumber}: expected {columns.Count} fields, found {fields.Count}");
            }

            double t = ParseTime(fields[0], lineNumber);
            if (isLong)
            {
                if (fields[1].Length == 0)
                {
                    throw new TraceFormatException($"line {lineNumber}: the series name is empty");
                }

                CheckName(fields[1], lineNumber);
                if (ParseValue(fields[2], lineNumber) is { } v)
                {
                    trace.Add(fields[1], t, v);
                }
            }
            else
            {
                for (int c = 1; c < columns.Count; c++)
                {
                    if (ParseValue(fields[c], lineNumber) is { } v)
                    {
                        trace.Add(columns[c], t, v);
                    }
                }
            }
        }
    }

    private static void ReadJsonLines(TextReader reader, string firstLine, int lineNumber, Trace trace)
    {
        string? line = firstLine;
        while (line is not null)
        {
            if (!string.IsNullOrWhiteSpace(line))
            {
                ReadJsonLine(line, lineNumber, trace);
            }

            line = reader.ReadLine();
            lineNumber++;
        }
    }

    private static void ReadJsonLine(string line, int lineNumber, Trace trace)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException e)
        {
            throw new TraceFormatException($"line {lineNumber}: not valid JSON ({e.Message.Split('.')[0]})");
        }
        catch (ArgumentException)
        {
            throw new TraceFormatException($"line {lineNumber}: not valid Unicode (a lone surrogate)"); // cannot be transcoded to UTF-8 for the JSON reader
        }

        using (doc)
        {
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TraceFormatException($"line {lineNumber}: expected a JSON object");
            }

            if (root.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String && type.GetString() != "sample")
            {
                return; // other record kinds (events, verdicts) may share the file
            }

            double t = root.TryGetProperty("t_seconds", out JsonElement te) && te.ValueKind == JsonValueKind.Number
                ? CheckTime(te.GetDouble(), lineNumber)
                : throw new TraceFormatException($"line {lineNumber}: missing number 't_seconds'");
            string series = root.TryGetProperty("series", out JsonElement se) && se.ValueKind == JsonValueKind.String && se.GetString() is { Length: > 0 } name
                ? name
                : throw new TraceFormatException($"line {lineNumber}: missing string 'series'");
            CheckName(series, lineNumber);
            if (!root.TryGetProperty("value", out JsonElement ve))
            {
                throw new TraceFormatException($"line {lineNumber}: missing 'value'");
            }

            double? value = ve.ValueKind switch
            {
                JsonValueKind.Number => CheckValue(ve.GetDouble(), ve.GetRawText(), lineNumber),
                JsonValueKind.Null => null,
                JsonValueKind.String => ParseValue(ve.GetString()!, lineNumber),
                _ => throw new TraceFormatException($"line {lineNumber}: 'value' must be a number"),
            };
            if (value is { } v)
            {
                trace.Add(series, t, v);
            }
        }
    }

    private static double ParseTime(string text, int lineNumber)
    {
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double t))
        {
            throw new TraceFormatException($"line {lineNumber}: time '{Shorten(text)}' is not a number");
        }

        return CheckTime(t, lineNumber);
    }

    private static double CheckTime(double t, int lineNumber) =>
        double.IsFinite(t) && Math.Abs(t) < 1e12
            ? t
            : throw new TraceFormatException($"line {lineNumber}: time {t} is out of range (seconds, |t| < 1e12)");

    /// <summary>A value, or null for a gap (empty cell, NaN).</summary>
    private static double? ParseValue(string text, int lineNumber)
    {
        if (text.Length == 0 || text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
        {
            throw new TraceFormatException($"line {lineNumber}: value '{Shorten(text)}' is not a number");
        }

        return CheckValue(v, text, lineNumber);
    }

    private static double CheckValue(double v, string text, int lineNumber) =>
        double.IsFinite(v) && Math.Abs(v) <= MaxMagnitude
            ? v
            : throw new TraceFormatException($"line {lineNumber}: value '{Shorten(text)}' is out of range (|value| ≤ 1e300)");

    /// <summary>
    /// A series name is written back into JSON, reports and metrics: it must be valid Unicode. A JSON escape can spell a
    /// lone surrogate (<c>"\ud800"</c>), which no UTF-8 output can hold.
    /// </summary>
    private static void CheckName(string name, int lineNumber)
    {
        for (int i = 0; i < name.Length; i++)
        {
            if (char.IsHighSurrogate(name[i]) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(name[i]))
            {
                throw new TraceFormatException($"line {lineNumber}: the series name '{Shorten(name.Replace(name[i], '\uFFFD'))}' is not valid Unicode (a lone surrogate)");
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
