using System.Buffers.Text;

namespace LeakHound.Probes.Proc;

/// <summary>Allocation-free parsing of /proc files: "Key:   value kB" lines of status-like files, space-separated integers.</summary>
internal static class ProcParsing
{
    /// <summary>The number after <paramref name="key"/> at the start of a line, times 1024 when followed by "kB"; null if absent.</summary>
    public static double? Field(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
    {
        int at = 0;
        while (at < text.Length)
        {
            ReadOnlySpan<byte> rest = text[at..];
            int eol = rest.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = eol < 0 ? rest : rest[..eol];
            if (line.StartsWith(key))
            {
                ReadOnlySpan<byte> value = line[key.Length..].TrimStart(" \t"u8);
                if (!Utf8Parser.TryParse(value, out long number, out int used))
                {
                    return null;
                }

                bool kiloBytes = value[used..].TrimStart(" \t"u8).StartsWith("kB"u8);
                return kiloBytes ? number * 1024.0 : number;
            }

            if (eol < 0)
            {
                break;
            }

            at += eol + 1;
        }

        return null;
    }

    /// <summary>Adds every space- or newline-separated integer of <paramref name="text"/> (a /proc children file) to <paramref name="into"/>.</summary>
    public static void AddIntegers(ReadOnlySpan<byte> text, List<int> into)
    {
        while (!text.IsEmpty)
        {
            text = text.TrimStart(" \n"u8);
            if (text.IsEmpty)
            {
                break;
            }

            if (Utf8Parser.TryParse(text, out int value, out int used))
            {
                into.Add(value);
                text = text[used..];
            }
            else
            {
                int skip = text.IndexOfAny(" \n"u8);
                text = skip < 0 ? [] : text[skip..];
            }
        }
    }
}
