using System.Text.Json;

namespace LeakHound.Core.Text;

/// <summary>Named JSON arrays of plain values, as the explanation documents of every runtime write them.</summary>
public static class JsonArrays
{
    public static void WriteNumberArray(this Utf8JsonWriter w, string name, IEnumerable<long> values)
    {
        w.WriteStartArray(name);
        foreach (long v in values)
        {
            w.WriteNumberValue(v);
        }

        w.WriteEndArray();
    }

    public static void WriteStringArray(this Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (string v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
