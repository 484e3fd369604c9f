using System.Text;
using System.Text.Json;
using LeakHound.Core.Verdicts;

namespace LeakHound.Web;

/// <summary>
/// The API's JSON (<c>docs/schema</c>): a verdict is the one verdict document (<see cref="VerdictJson"/>) with the id
/// of its series here, so the dashboard can find its chart.
/// </summary>
internal static class Json
{
    public static string Write(Action<Utf8JsonWriter> body)
    {
        using MemoryStream buffer = new();
        using (Utf8JsonWriter w = new(buffer, VerdictJson.WriterOptions(indented: false)))
        {
            body(w);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void Verdict(Utf8JsonWriter w, int id, SeriesVerdict v)
    {
        w.WriteStartObject();
        w.WriteNumber("id", id);
        VerdictJson.WriteProperties(w, v);
        w.WriteEndObject();
    }

    public static string Targets(LiveStore.Snapshot snap) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("targets");
        foreach (LiveStore.LiveTarget t in snap.Targets)
        {
            w.WriteStartObject();
            w.WriteNumber("id", t.Id);
            w.WriteString("label", t.Label);
            if (t.Pid is { } pid) { w.WriteNumber("pid", pid); } else { w.WriteNull("pid"); }
            w.WriteBoolean("exited", t.Exited);
            w.WriteStartArray("series");
            foreach (LiveStore.SeriesSnapshot s in snap.Series.Where(s => s.Target == t.Id))
            {
                w.WriteStartObject();
                w.WriteNumber("id", s.Id);
                w.WriteString("name", s.Name);
                if (s.Verdict is { } v) { w.WriteString("verdict", v.Verdict.ToName()); } else { w.WriteNull("verdict"); }
                w.WriteNumber("points", s.Points.Length);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        Watching.WatchResultJson.WriteMarks(w, snap.Marks); // the same shape as the result document's
        Explanations(w, snap.Explanations);
        w.WriteEndObject();
    });

    /// <summary><c>explanations</c>: what grows in each target explained so far, as the report's tables show it.</summary>
    public static void Explanations(Utf8JsonWriter w, IReadOnlyList<Watching.ExplanationTable> tables)
    {
        w.WriteStartArray("explanations");
        foreach (Watching.ExplanationTable table in tables)
        {
            w.WriteStartObject();
            w.WriteString("target", table.Target);
            w.WriteString("title", table.Title ?? $"Heap diff: {table.Target}");
            w.WriteStartArray("rows");
            foreach (Watching.ExplanationRow r in table.Rows)
            {
                w.WriteStartObject();
                w.WriteString("what", r.Type);
                w.WriteNumber("count_before", r.CountBefore);
                w.WriteNumber("count_after", r.CountAfter);
                w.WriteNumber("bytes_growth", r.BytesGrowth);
                if (r.RetentionPath is { } path) { w.WriteString("held_by", path); } else { w.WriteNull("held_by"); }
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    public static string Series(LiveStore.Snapshot snap, LiveStore.SeriesSnapshot s) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("id", s.Id);
        w.WriteString("target", snap.Targets[s.Target].Label);
        w.WriteString("name", s.Name);
        w.WriteString("unit", Core.Signals.SignalUnits.For(s.Name).ToString().ToLowerInvariant());
        w.WritePropertyName("verdict");
        if (s.Verdict is { } v) { Verdict(w, s.Id, v); } else { w.WriteNullValue(); }
        w.WriteStartArray("t");
        foreach ((double t, _) in s.Points)
        {
            w.WriteNumberValue(t);
        }

        w.WriteEndArray();
        w.WriteStartArray("v");
        foreach ((_, double value) in s.Points)
        {
            if (double.IsFinite(value)) { w.WriteNumberValue(value); } else { w.WriteNullValue(); }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    public static string Verdicts(LiveStore.Snapshot snap) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("verdicts");
        foreach (LiveStore.SeriesSnapshot s in snap.Series)
        {
            if (s.Verdict is { } v)
            {
                Verdict(w, s.Id, v);
            }
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });
}
