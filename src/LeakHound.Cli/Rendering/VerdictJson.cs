using System.Text.Json;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Rendering;

/// <summary>Writes verdicts as the JSON objects documented in the README (snake_case, null where unknown).</summary>
public static class VerdictJson
{
    public static void WriteVerdict(Utf8JsonWriter w, SeriesVerdict v, string? target = null)
    {
        w.WriteStartObject();
        if (target is not null)
        {
            w.WriteString("target", target);
        }

        w.WriteString("series", v.Series);
        w.WriteString("verdict", v.Verdict.ToName());
        w.WriteString("reason", v.Reason);
        w.WriteString("unit", SignalUnits.For(v.Series).ToString().ToLowerInvariant());
        Number(w, "slope_per_second", v.SlopePerSecond);
        Number(w, "slope_per_minute", v.SlopePerMinute);
        if (v.SlopeLow is { } lo && v.SlopeHigh is { } hi)
        {
            Pair(w, "slope_ci95", lo, hi);
        }
        else
        {
            w.WriteNull("slope_ci95");
        }

        Number(w, "confidence", Math.Round(v.Confidence, 6));
        Number(w, "detected_at_seconds", v.DetectedAtSeconds);
        Number(w, "time_to_limit_seconds", v.TimeToLimitSeconds);
        Pair(w, "time_to_limit_range_seconds", v.TimeToLimitEarliestSeconds, v.TimeToLimitLatestSeconds);
        Number(w, "limit", v.Limit);
        Number(w, "current", v.Current);
        Number(w, "floor", v.Floor);
        w.WriteNumber("cycles", v.Cycles);
        w.WriteNumber("samples", v.Samples);
        w.WriteNumber("at_seconds", v.AtSeconds);
        if (v.Shape is { } shape) { w.WriteString("shape", shape.ToName()); } else { w.WriteNull("shape"); }
        Number(w, "negligible_per_second", v.NegligiblePerSecond);
        Number(w, "leak_stopped_at_seconds", v.LeakStoppedAtSeconds);
        Number(w, "restarted_at_seconds", v.RestartedAtSeconds);
        w.WriteEndObject();
    }

    /// <summary>[low, high], a null end where it is unknown; null when the low end is unknown too.</summary>
    private static void Pair(Utf8JsonWriter w, string name, double? low, double? high)
    {
        w.WritePropertyName(name);
        if (low is not { } lo || !double.IsFinite(lo))
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartArray();
        w.WriteNumberValue(lo);
        if (high is { } hi && double.IsFinite(hi)) { w.WriteNumberValue(hi); } else { w.WriteNullValue(); }
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
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

    /// <summary>Indented, and readable: "→", "&lt;" and non-ASCII stay as they are (the output is not embedded in HTML).</summary>
    public static Utf8JsonWriter CreateWriter(Stream stream) =>
        new(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
