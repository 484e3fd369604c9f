using System.Text.Json.Nodes;
using LeakHound.Core.Verdicts;

namespace LeakHound.Web;

/// <summary>The API's JSON shapes (snake_case, like <c>--format json</c>).</summary>
internal static class Json
{
    private static readonly System.Text.Json.JsonSerializerOptions s_text = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // an API, never inlined into HTML
    };

    public static string Text(JsonNode node) => node.ToJsonString(s_text);

    public static JsonObject Verdict(int id, string target, SeriesVerdict v) => new()
    {
        ["id"] = id,
        ["target"] = target,
        ["series"] = v.Series,
        ["verdict"] = v.Verdict.ToName(),
        ["reason"] = v.Reason,
        ["rate"] = VerdictText.Rate(v),
        ["slope_per_second"] = Finite(v.SlopePerSecond),
        ["slope_ci95"] = v.SlopeLow is { } lo && v.SlopeHigh is { } hi ? new JsonArray(Finite(lo), Finite(hi)) : null,
        ["time_to_limit_seconds"] = Finite(v.TimeToLimitSeconds),
        ["time_to_limit"] = VerdictText.TimeToLimit(v),
        ["limit"] = Finite(v.Limit),
        ["current"] = Finite(v.Current),
        ["detected_at_seconds"] = Finite(v.DetectedAtSeconds),
        ["samples"] = v.Samples,
        ["at_seconds"] = Finite(v.AtSeconds),
    };

    public static JsonObject Targets(LiveStore.Snapshot snap) => new()
    {
        ["targets"] = new JsonArray([.. snap.Targets.Select(t => (JsonNode)new JsonObject
        {
            ["id"] = t.Id,
            ["label"] = t.Label,
            ["pid"] = t.Pid,
            ["exited"] = t.Exited,
            ["series"] = new JsonArray([.. snap.Series.Where(s => s.Target == t.Id).Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["name"] = s.Name,
                ["verdict"] = s.Verdict?.Verdict.ToName(),
                ["points"] = s.Points.Length,
            })]),
        })]),
    };

    public static JsonObject Series(LiveStore.Snapshot snap, LiveStore.SeriesSnapshot s) => new()
    {
        ["id"] = s.Id,
        ["target"] = snap.Targets[s.Target].Label,
        ["name"] = s.Name,
        ["unit"] = Core.Signals.SignalUnits.For(s.Name).ToString().ToLowerInvariant(),
        ["verdict"] = s.Verdict is { } v ? Verdict(s.Id, snap.Targets[s.Target].Label, v) : null,
        ["t"] = new JsonArray([.. s.Points.Select(p => (JsonNode?)p.T)]),
        ["v"] = new JsonArray([.. s.Points.Select(p => (JsonNode?)Finite(p.V))]),
    };

    public static JsonObject Verdicts(LiveStore.Snapshot snap) => new()
    {
        ["verdicts"] = new JsonArray([.. snap.Series.Where(s => s.Verdict is not null)
            .Select(s => (JsonNode)Verdict(s.Id, snap.Targets[s.Target].Label, s.Verdict!))]),
    };

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;
}
