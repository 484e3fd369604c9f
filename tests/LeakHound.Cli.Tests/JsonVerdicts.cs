using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>Reads the JSON document that --format json prints.</summary>
internal sealed class JsonVerdicts(JsonDocument doc)
{
    public JsonElement Root => doc.RootElement;

    public JsonDocument Document => doc;

    /// <summary>Parses a command's JSON document, validated against the definition docs/schema has for its command.</summary>
    public static JsonVerdicts Parse(string stdout)
    {
        JsonDocument doc = JsonDocument.Parse(stdout);
        string command = doc.RootElement.GetProperty("command").GetString()!;
        SchemaCheck.Assert(stdout, command switch
        {
            "analyze" => "analysis",
            "compare" or "scan" or "heapdiff" or "history" or "explain" => command,
            "soak" when doc.RootElement.TryGetProperty("growth", out _) => "iterations",
            _ => "result",
        });
        return new(doc);
    }

    public JsonElement Series(string series, string? targetSuffix = null) =>
        Root.GetProperty("verdicts").EnumerateArray().First(v =>
            v.GetProperty("series").GetString() == series
            && (targetSuffix is null || v.GetProperty("target").GetString()!.EndsWith(targetSuffix, StringComparison.Ordinal)));

    public string Verdict(string series) => Series(series).GetProperty("verdict").GetString()!;
}
