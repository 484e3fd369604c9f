using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace LeakHound.TestSupport;

/// <summary>Validates a JSON output against one definition of <c>docs/schema/leakhound.schema.json</c> (JsonSchema.Net).</summary>
internal static class SchemaCheck
{
    private static readonly ConcurrentDictionary<string, JsonSchema> s_schemas = new();

    /// <summary>Throws with every violation (path and message) when <paramref name="json"/> is not a valid <paramref name="definition"/>.</summary>
    public static void Assert(string json, string definition)
    {
        JsonSchema schema = s_schemas.GetOrAdd(definition, Load);
        using JsonDocument doc = JsonDocument.Parse(json);
        EvaluationResults results = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            IEnumerable<string> errors = (results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
            throw new Xunit.Sdk.XunitException($"not a valid {definition} (docs/schema):\n  {string.Join("\n  ", errors.Take(20))}\n--- document\n{json[..Math.Min(json.Length, 4000)]}");
        }
    }

    /// <summary>The schema with its root pointing at one definition.</summary>
    private static JsonSchema Load(string definition)
    {
        JsonObject root = JsonNode.Parse(File.ReadAllText(Path.Combine(Repo.Root, "docs", "schema", "leakhound.schema.json")))!.AsObject();
        if (root["$defs"]?[definition] is null)
        {
            throw new ArgumentException($"docs/schema has no $defs/{definition}");
        }

        root["$ref"] = $"#/$defs/{definition}";
        root["$id"] = $"https://leakhound.dev/schema/test/{definition}.json";
        return JsonSchema.FromText(root.ToJsonString());
    }
}
