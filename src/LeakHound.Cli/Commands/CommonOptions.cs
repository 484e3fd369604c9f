using System.CommandLine;
using LeakHound.Core.Series;
using LeakHound.Core.Units;

namespace LeakHound.Cli.Commands;

/// <summary>
/// Options that several commands share, defined once with one reading each: the output format, the memory limit, the
/// series filter, the report files, the watch history, JUnit and the target's log. (The detector's evidence options
/// are <see cref="DetectorOptionSet"/>.)
/// </summary>
internal static class CommonOptions
{
    public static readonly Option<string> Format = new("--format", "-f")
    {
        Description = "table (default) or json: with json, stdout carries only the JSON document (docs/schema)",
        DefaultValueFactory = _ => "table",
    };

    public static readonly Option<string?> Limit = new("--limit")
    {
        Description = "Memory limit of byte-valued series, e.g. 1.5GiB: time to limit, negligible growth (a watch's default: the cgroup limit, else the machine's memory)",
    };

    public static readonly Option<string[]> Series = new("--series", "-s") { Description = "Only these series (repeatable; * matches any text)" };

    public static readonly Option<string?> Report = new("--report") { Description = "Also write a self-contained HTML report with a chart per signal to this file" };

    public static readonly Option<string?> Png = new("--png") { Description = "Also write one PNG chart per signal into this directory" };

    public static readonly Option<string?> Store = new("--store")
    {
        Description = "The SQLite watch history (default: ~/.local/share/leakhound/history.db)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    public static readonly Option<string?> JUnit = new("--junit") { Description = "Write JUnit XML: one test case per series, failing on a leak (or regression) or an inconclusive resource signal" };

    public static readonly Option<string?> TargetLog = new("--target-log") { Description = "Write the target's stdout and stderr to this file instead of passing them through" };

    /// <summary>True for --format json; table otherwise.</summary>
    /// <exception cref="LeakHoundException">Neither (exit code 2).</exception>
    public static bool Json(ParseResult parse)
    {
        string format = parse.GetValue(Format)!.ToLowerInvariant();
        return format switch
        {
            "json" => true,
            "table" => false,
            _ => throw new LeakHoundException($"--format: '{format}' is not one of: table, json"),
        };
    }

    /// <summary>The --limit of any command: a size such as 1.5GiB, or null when not given.</summary>
    public static double? ReadLimit(ParseResult parse) => ParseLimit(parse.GetValue(Limit));

    public static double? ParseLimit(string? text) =>
        text is null ? null
        : Quantity.TryParseBytes(text, out double bytes) && bytes > 0 ? bytes
        : throw new LeakHoundException($"--limit: '{text}' is not a size (examples: 512MiB, 1.5GiB, 2G)");

    /// <summary>The --series patterns as a filter; null keeps every series.</summary>
    public static Func<string, bool>? SeriesFilter(ParseResult parse) => SeriesPattern.AnyOf(parse.GetValue(Series));

    public static double ParseDuration(string text, string option) =>
        Quantity.TryParseDuration(text, out double s) ? s : throw new LeakHoundException($"{option}: '{text}' is not a duration (examples: 500ms, 30s, 5m, 1h30m)");
}
