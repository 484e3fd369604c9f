using System.Text;

namespace LeakHound.Core.Traces;

/// <summary>
/// RFC 4180 field splitting and quoting for one line. Hand-written on purpose: traces are one line per sample with
/// at most a quoted series name, and a 40-line splitter keeps Core free of dependencies and allocation-light.
/// </summary>
public static class CsvLine
{
    /// <summary>Splits a line into fields; returns false (with an error) on an unterminated quote.</summary>
    public static bool TrySplit(string line, List<string> fields, out string? error)
    {
        fields.Clear();
        error = null;
        StringBuilder field = new();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        error = "unterminated quoted field";
                        return false;
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                if (i < line.Length && line[i] != ',')
                {
                    error = "text after a closing quote";
                    return false;
                }
            }
            else
            {
                int comma = line.IndexOf(',', i);
                int end = comma < 0 ? line.Length : comma;
                field.Append(line, i, end - i);
                i = end;
            }

            fields.Add(field.ToString().Trim());
            if (i >= line.Length)
            {
                return true;
            }

            i++; // the comma
        }
    }

    /// <summary>Quotes a field when it contains a comma, a quote or a line break.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"") + "\"";
}
