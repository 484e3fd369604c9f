using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>Reads the JSON document that --format json prints.</summary>
internal sealed class JsonVerdicts(JsonDocument doc)
{
    public JsonElement Root => doc.RootElement;

    public static JsonVerdicts Parse(string stdout) => new(JsonDocument.Parse(stdout));

    public JsonElement Series(string series, string? targetSuffix = null) =>
        Root.GetProperty("verdicts").EnumerateArray().First(v =>
            v.GetProperty("series").GetString() == series
            && (targetSuffix is null || v.GetProperty("target").GetString()!.EndsWith(targetSuffix, StringComparison.Ordinal)));

    public string Verdict(string series) => Series(series).GetProperty("verdict").GetString()!;
}
