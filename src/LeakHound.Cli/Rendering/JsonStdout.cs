using System.Text.Json;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Rendering;

/// <summary>Writes one JSON document to stdout (indented, readable), then a newline: what <c>--format json</c> prints.</summary>
internal static class JsonStdout
{
    public static void Write(Action<Utf8JsonWriter> document)
    {
        using Stream stdout = Console.OpenStandardOutput();
        using (Utf8JsonWriter w = new(stdout, VerdictJson.WriterOptions(indented: true)))
        {
            document(w);
        }

        stdout.WriteByte((byte)'\n');
        stdout.Flush();
    }
}
