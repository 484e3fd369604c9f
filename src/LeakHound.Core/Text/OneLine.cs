using System.Text;

namespace LeakHound.Core.Text;

/// <summary>
/// Error messages that quote their input stay one short line: a malformed file or page can hold megabyte lines,
/// newlines inside a quoted token and control characters, and the message is printed as one line on a terminal.
/// </summary>
public static class OneLine
{
    /// <summary>Longest message kept; what follows is cut with an ellipsis.</summary>
    public const int MaxLength = 400;

    /// <summary>The text with line breaks as ⏎, other control characters as \uXXXX, and at most <paramref name="max"/> characters.</summary>
    public static string Of(string text, int max = MaxLength)
    {
        StringBuilder line = new(Math.Min(text.Length, max + 1));
        foreach (char c in text)
        {
            if (line.Length >= max)
            {
                return line.Append('…').ToString();
            }

            if (c is '\n' or '\r')
            {
                line.Append('⏎');
            }
            else if (char.IsControl(c))
            {
                line.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
            }
            else
            {
                line.Append(c);
            }
        }

        return line.ToString();
    }
}
