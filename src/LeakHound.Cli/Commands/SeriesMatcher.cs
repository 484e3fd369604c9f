using System.Text.RegularExpressions;

namespace LeakHound.Cli.Commands;

/// <summary>Glob-style series filters: <c>rss</c>, <c>go_*</c>, <c>*{pid="42"*</c>.</summary>
internal static class SeriesMatcher
{
    public static Func<string, bool>? From(string[]? patterns)
    {
        if (patterns is null || patterns.Length == 0)
        {
            return null;
        }

        Regex[] regexes = patterns
            .Select(p => new Regex("^" + Regex.Escape(p).Replace("\\*", ".*") + "$", RegexOptions.CultureInvariant))
            .ToArray();
        return series => regexes.Any(r => r.IsMatch(series));
    }
}
