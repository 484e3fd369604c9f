using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeakHound.Core.Signals;

namespace LeakHound.Core.Verdicts;

/// <summary>
/// The one JSON form of a verdict (<c>docs/schema/verdict.schema.json</c>): what <c>--format json</c>, the dashboard's
/// API and events, rule events and the HTML report all carry. Snake case; a value that is not known (or not finite) is
/// null, never left out, so that every consumer sees the same keys.
/// </summary>
public static class VerdictJson
{
    /// <summary>Readable and safe anywhere but inside HTML: "→", "&lt;" and non-ASCII stay as they are.</summary>
    public static JsonWriterOptions WriterOptions(bool indented) => new() { Indented = indented, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes one verdict as a JSON object.</summary>
    public static void Write(Utf8JsonWriter w, SeriesVerdict v)
    {
        w.WriteStartObject();
        WriteProperties(w, v);
        w.WriteEndObject();
    }

    /// <summary>Writes a verdict's properties into an object already started (a rule event adds its own beside them).</summary>
    public static void WriteProperties(Utf8JsonWriter w, SeriesVerdict v)
    {
        if (v.Target.Length > 0) { w.WriteString("target", v.Target); } else { w.WriteNull("target"); }
        w.WriteString("series", v.Series);
        w.WriteString("verdict", v.Verdict.ToName());
        w.WriteString("reason", v.Reason);
        w.WriteString("unit", SignalUnits.For(v.Series).ToString().ToLowerInvariant());
        Number(w, "slope_per_second", v.SlopePerSecond);
        Number(w, "slope_per_minute", v.SlopePerMinute);
        Pair(w, "slope_ci95", v.SlopeLow, v.SlopeHigh, bothOrNull: true);
        w.WriteString("rate", VerdictText.Rate(v));
        Number(w, "confidence", Math.Round(v.Confidence, 6));
        Number(w, "detected_at_seconds", v.DetectedAtSeconds);
        Number(w, "time_to_limit_seconds", v.TimeToLimitSeconds);
        Pair(w, "time_to_limit_range_seconds", v.TimeToLimitEarliestSeconds, v.TimeToLimitLatestSeconds, bothOrNull: false);
        w.WriteString("time_to_limit", VerdictText.TimeToLimit(v));
        Number(w, "limit", v.Limit);
        Number(w, "current", v.Current);
        Number(w, "floor", v.Floor);
        w.WriteNumber("cycles", v.Cycles);
        w.WriteNumber("samples", v.Samples);
        Number(w, "at_seconds", v.AtSeconds);
        if (v.Shape is { } shape) { w.WriteString("shape", shape.ToName()); } else { w.WriteNull("shape"); }
        Number(w, "negligible_per_second", v.NegligiblePerSecond);
        Number(w, "leak_stopped_at_seconds", v.LeakStoppedAtSeconds);
        Number(w, "restarted_at_seconds", v.RestartedAtSeconds);
    }

    /// <summary>A number, or null when unknown or not finite (JSON has no NaN or infinity).</summary>
    public static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    /// <summary>[low, high]: null when the low end is unknown; with <paramref name="bothOrNull"/> also when the high end is.</summary>
    private static void Pair(Utf8JsonWriter w, string name, double? low, double? high, bool bothOrNull)
    {
        bool hasLow = low is { } lo && double.IsFinite(lo);
        bool hasHigh = high is { } hi && double.IsFinite(hi);
        if (!hasLow || (bothOrNull && !hasHigh))
        {
            w.WriteNull(name);
            return;
        }

        w.WriteStartArray(name);
        w.WriteNumberValue(low!.Value);
        if (hasHigh) { w.WriteNumberValue(high!.Value); } else { w.WriteNullValue(); }
        w.WriteEndArray();
    }

    /// <summary>The same form for <see cref="JsonSerializer"/> (the HTML report's data).</summary>
    public sealed class Converter : JsonConverter<SeriesVerdict>
    {
        public override SeriesVerdict Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("verdicts are written, not read");

        public override void Write(Utf8JsonWriter writer, SeriesVerdict value, JsonSerializerOptions options) => VerdictJson.Write(writer, value);
    }
}
