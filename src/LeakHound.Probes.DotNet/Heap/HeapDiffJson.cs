using System.Text.Json;

namespace LeakHound.Probes.DotNet.Heap;

/// <summary>
/// The heap diff as JSON (<c>docs/schema</c>): what each snapshot cost, and per growing type the counts and bytes before
/// and after and one retention path. Written into an object already started (<c>heapdiff --format json</c>, a watch's
/// <c>targets[].heap_diff</c>).
/// </summary>
public static class HeapDiffJson
{
    public static void WriteProperties(Utf8JsonWriter w, HeapDiffResult result)
    {
        w.WriteStartArray("snapshots");
        foreach (SnapshotCost s in result.Snapshots)
        {
            w.WriteStartObject();
            w.WriteNumber("pause_seconds", Math.Round(s.PauseSeconds, 3));
            w.WriteNumber("read_seconds", Math.Round(s.ReadSeconds, 3));
            w.WriteNumber("dump_bytes", s.DumpBytes);
            w.WriteNumber("objects", s.Objects);
            w.WriteNumber("heap_bytes", s.HeapBytes);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("growing");
        foreach (TypeGrowth g in result.Growing)
        {
            w.WriteStartObject();
            w.WriteString("type", g.Type);
            w.WriteBoolean("application_type", g.ApplicationType);
            w.WriteNumber("count_before", g.Before.Count);
            w.WriteNumber("count_after", g.After.Count);
            w.WriteNumber("bytes_before", g.Before.Bytes);
            w.WriteNumber("bytes_after", g.After.Bytes);
            w.WriteNumber("count_growth", g.CountGrowth);
            w.WriteNumber("bytes_growth", g.BytesGrowth);
            w.WritePropertyName("retention_path");
            if (g.RetentionPath is { } path)
            {
                w.WriteStartArray();
                path.ToList().ForEach(w.WriteStringValue);
                w.WriteEndArray();
            }
            else
            {
                w.WriteNullValue();
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
