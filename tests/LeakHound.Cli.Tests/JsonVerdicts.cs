using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>Reads the JSON document that --format json prints.</summary>
internal sealed class JsonVerdicts(JsonDocument doc)
{
    public JsonElement Root => doc.RootElement;

    /// <summary>Parses a command's JSON document, validated against docs/schema: a watch's result or an analysis.</summary>
    public static JsonVerdicts Parse(string stdout)
    {
        JsonDocument doc = JsonDocument.Parse(stdout);
        if (doc.RootElement.TryGetProperty("command", out JsonElement command) && doc.RootElement.TryGetProperty("verdicts", out _))
        {
            SchemaCheck.Assert(stdout, command.GetString() == "analyze" ? "analysis" : "result");
        }

        return new(doc);
    }

    public JsonElement Series(string series, string? targetSuffix = null) =>
        Root.GetProperty("verdicts").EnumerateArray().First(v =>
            v.GetProperty("series").GetString() == series
            && (targetSuffix is null || v.GetProperty("target").GetString()!.EndsWith(targetSuffix, StringComparison.Ordinal)));

    public string Verdict(string series) => Series(series).GetProperty("verdict").GetString()!;
}
