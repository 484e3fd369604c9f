using System.Globalization;
using System.Text;

namespace LeakHound.Probes.Prometheus;

/// <summary>
/// Parses the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text: comments, HELP/TYPE/UNIT, labels with
/// escaped values, NaN/±Inf, timestamps, exemplars (skipped), <c># EOF</c>.
/// </summary>
/// <remarks>
/// Hand-written: the prometheus-net package only writes this format, and the official parsers are Go and Python.
/// The grammar is small (one sample per line); the parser walks each line once, without regular expressions.
/// </remarks>
public static class ExpositionParser
{
    /// <exception cref="ExpositionFormatException">The page is malformed; the message names the line.</exception>
    public static List<MetricSample> Parse(string page)
    {
        List<MetricSample> samples = [];
        Dictionary<string, MetricType> types = new(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in page.Split('\n'))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.All(char.IsWhiteSpace))
            {
                continue;
            }

            if (line[0] == '#')
            {
                ReadComment(line, types, lineNumber);
                continue;
            }

            samples.Add(ReadSample(line, types, lineNumber));
        }

        return samples;
    }

    private static void ReadComment(string line, Dictionary<string, MetricType> types, int lineNumber)
    {
        string[] parts = line.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length >= 4 && parts[1] == "TYPE")
        {
            types[parts[2]] = parts[3].Trim() switch
            {
                "counter" => MetricType.Counter,
                "gauge" => MetricType.Gauge,
                "histogram" => MetricType.Histogram,
                "summary" => MetricType.Summary,
                "gaugehistogram" => MetricType.GaugeHistogram,
                "info" => MetricType.Info,
                "stateset" => MetricType.StateSet,
                "untyped" or "unknown" => MetricType.Untyped,
                string other => throw new ExpositionFormatException($"line {lineNumber}: unknown metric type '{other}'"),
            };
        }
        else if (parts.Length == 3 && parts[1] == "TYPE")
        {
            throw new ExpositionFormatException($"line {lineNumber}: TYPE without a type");
        }

        // HELP, UNIT, EOF and free comments carry nothing the detector needs.
    }

    private static MetricSample ReadSample(string line, Dictionary<string, MetricType> types, int lineNumber)
    {
        int i = 0;
        string name = ReadName(line, ref i, lineNumber);
        List<KeyValuePair<string, string>> labels = [];
        if (i < line.Length && line[i] == '{')
        {
            i++;
            ReadLabels(line, ref i, labels, lineNumber);
        }

        if (i >= line.Length || line[i] is not (' ' or '\t'))
        {
            throw new ExpositionFormatException($"line {lineNumber}: expected a space and a value after '{name}'");
        }

        string rawKey = line[..i];

        SkipSpaces(line, ref i);
        string valueText = ReadToken(line, ref i);
        double value = ParseValue(valueText, lineNumber);
        SkipSpaces(line, ref i);
        double? timestamp = null;
        if (i < line.Length && line[i] != '#')
        {
            string tsText = ReadToken(line, ref i);
            timestamp = double.TryParse(tsText, NumberStyles.Float, CultureInfo.InvariantCulture, out double ts) && double.IsFinite(ts)
                ? ts
                : throw new ExpositionFormatException($"line {lineNumber}: timestamp '{tsText}' is not a number");
            SkipSpaces(line, ref i);
        }

        if (i < line.Length && line[i] != '#')
        {
            throw new ExpositionFormatException($"line {lineNumber}: unexpected text after the value: '{line[i..]}'");
        }

        // Anything after " # " is an OpenMetrics exemplar: skipped.
        return new MetricSample(name, labels, value, timestamp, TypeOf(name, types), rawKey);
    }

    /// <summary>The family's TYPE: a sample <c>x_bucket</c> belongs to histogram <c>x</c>, <c>x_total</c> to counter <c>x</c>.</summary>
    private static MetricType TypeOf(string name, Dictionary<string, MetricType> types)
    {
        if (types.TryGetValue(name, out MetricType direct))
        {
            return direct;
        }

        foreach (string suffix in (ReadOnlySpan<string>)["_total", "_created", "_bucket", "_count", "_sum", "_gcount", "_gsum", "_info"])
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out MetricType family))
            {
                return family;
            }
        }

        return MetricType.Untyped;
    }

    private static string ReadName(string line, ref int i, int lineNumber)
    {
        int start = i;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':'))
        {
            i++;
        }

        if (i == start || char.IsAsciiDigit(line[start]))
        {
            throw new ExpositionFormatException($"line {lineNumber}: expected a metric name, found '{Shorten(line[start..])}'");
        }

        return line[start..i];
    }

    private static void ReadLabels(string line, ref int i, List<KeyValuePair<string, string>> labels, int lineNumber)
    {
        while (true)
        {
            SkipSpaces(line, ref i);
            if (i < line.Length && line[i] == '}')
            {
                i++;
                return;
            }

            string key = ReadName(line, ref i, lineNumber);
            SkipSpaces(line, ref i);
            if (i >= line.Length || line[i] != '=')
            {
                throw new ExpositionFormatException($"line {lineNumber}: expected '=' after label '{key}'");
            }

            i++;
            SkipSpaces(line, ref i);
            if (i >= line.Length || line[i] != '"')
            {
                throw new ExpositionFormatException($"line {lineNumber}: label '{key}' needs a quoted value");
            }

            i++;
            StringBuilder value = new();
            while (true)
            {
                if (i >= line.Length)
                {
                    throw new ExpositionFormatException($"line {lineNumber}: unterminated value of label '{key}'");
                }

                char c = line[i++];
                if (c == '"')
                {
                    break;
                }

                if (c == '\\')
                {
                    if (i >= line.Length)
                    {
                        throw new ExpositionFormatException($"line {lineNumber}: unterminated value of label '{key}'");
                    }

                    char e = line[i++];
                    value.Append(e switch
                    {
                        'n' => '\n',
                        '\\' => '\\',
                        '"' => '"',
                        _ => throw new ExpositionFormatException($"line {lineNumber}: invalid escape '\\{e}' in label '{key}'"),
                    });
                }
                else
                {
                    value.Append(c);
                }
            }

            labels.Add(new(key, value.ToString()));
            SkipSpaces(line, ref i);
            if (i < line.Length && line[i] == ',')
            {
                i++;
                continue;
            }

            if (i < line.Length && line[i] == '}')
            {
                i++;
                return;
            }

            throw new ExpositionFormatException($"line {lineNumber}: expected ',' or '}}' after label '{key}'");
        }
    }

    private static double ParseValue(string text, int lineNumber) => text switch
    {
        "NaN" or "nan" => double.NaN,
        "+Inf" or "Inf" or "+inf" or "inf" => double.PositiveInfinity,
        "-Inf" or "-inf" => double.NegativeInfinity,
        _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) => v,
        _ => throw new ExpositionFormatException($"line {lineNumber}: value '{Shorten(text)}' is not a number"),
    };

    private static string ReadToken(string line, ref int i)
    {
        int start = i;
        while (i < line.Length && line[i] is not (' ' or '\t'))
        {
            i++;
        }

        return line[start..i];
    }

    private static void SkipSpaces(string line, ref int i)
    {
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
