namespace LeakHound.Core.Series;

/// <summary>
/// Series patterns as people type them: the whole name, <c>*</c> for any text (<c>rss</c>, <c>go_*</c>,
/// <c>*{pid="42"*</c>), case-sensitive like series names — for <c>--series</c>, <c>--metric</c> and rules.
/// </summary>
public static class SeriesPattern
{
    public static bool Matches(string pattern, string text)
    {
        string[] parts = pattern.Split('*');
        if (parts.Length == 1)
        {
            return pattern == text;
        }

        if (!text.StartsWith(parts[0], StringComparison.Ordinal) || !text.EndsWith(parts[^1], StringComparison.Ordinal)
            || text.Length < parts[0].Length + parts[^1].Length)
        {
            return false;
        }

        int at = parts[0].Length;
        int end = text.Length - parts[^1].Length;
        for (int i = 1; i < parts.Length - 1; i++)
        {
            int found = text.IndexOf(parts[i], at, StringComparison.Ordinal);
            if (found < 0 || found + parts[i].Length > end)
            {
                return false;
            }

            at = found + parts[i].Length;
        }

        return true;
    }

    /// <summary>A filter that keeps the names matching any of the patterns; null (keep all) when none are given.</summary>
    public static Func<string, bool>? AnyOf(IReadOnlyCollection<string>? patterns) =>
        patterns is null || patterns.Count == 0 ? null : name => patterns.Any(p => Matches(p, name));
}
