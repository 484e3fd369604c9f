using System.Text;
using System.Text.Json;

namespace LeakHound.Core.Rules;

/// <summary>
/// A JSON value that knows its line. System.Text.Json's DOM forgets positions once parsed, and a rules file's mistakes
/// must be reported by line, so the file is read once with <see cref="Utf8JsonReader"/> into this small tree.
/// </summary>
internal sealed class PositionedJson
{
    private PositionedJson(JsonValueKind kind, int line)
    {
        Kind = kind;
        Line = line;
    }

    public JsonValueKind Kind { get; }

    public int Line { get; }

    public string? Text { get; private init; }

    public double Number { get; private init; }

    public List<(string Name, int Line, PositionedJson Value)> Properties { get; } = [];

    public List<PositionedJson> Items { get; } = [];

    public static PositionedJson Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new RuleFileException(1, "the file is empty");
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text);
        int[] lineStarts = LineStarts(bytes);
        Utf8JsonReader reader = new(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                throw new RuleFileException(1, "the file is empty");
            }

            PositionedJson root = ReadValue(ref reader, lineStarts);
            if (reader.Read())
            {
                throw new RuleFileException(LineOf(lineStarts, reader.TokenStartIndex), "unexpected text after the end of the document");
            }

            return root;
        }
        catch (JsonException e)
        {
            throw new RuleFileException((int)(e.LineNumber ?? 0) + 1, "not valid JSON: " + FirstSentence(e.Message));
        }
    }

    private static PositionedJson ReadValue(ref Utf8JsonReader reader, int[] lineStarts)
    {
        int line = LineOf(lineStarts, reader.TokenStartIndex);
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                PositionedJson obj = new(JsonValueKind.Object, line);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string name = reader.GetString()!;
                    int nameLine = LineOf(lineStarts, reader.TokenStartIndex);
                    reader.Read();
                    obj.Properties.Add((name, nameLine, ReadValue(ref reader, lineStarts)));
                }

                return obj;
            case JsonTokenType.StartArray:
                PositionedJson array = new(JsonValueKind.Array, line);
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    array.Items.Add(ReadValue(ref reader, lineStarts));
                }

                return array;
            case JsonTokenType.String:
                return new PositionedJson(JsonValueKind.String, line) { Text = reader.GetString() };
            case JsonTokenType.Number:
                return new PositionedJson(JsonValueKind.Number, line) { Number = reader.GetDouble() };
            case JsonTokenType.True:
                return new PositionedJson(JsonValueKind.True, line);
            case JsonTokenType.False:
                return new PositionedJson(JsonValueKind.False, line);
            default:
                return new PositionedJson(JsonValueKind.Null, line);
        }
    }

    private static int[] LineStarts(byte[] bytes)
    {
        List<int> starts = [0];
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                starts.Add(i + 1);
            }
        }

        return [.. starts];
    }

    private static int LineOf(int[] lineStarts, long index)
    {
        int found = Array.BinarySearch(lineStarts, (int)index);
        return (found >= 0 ? found : ~found - 1) + 1;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
