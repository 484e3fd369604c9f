using System.Text.Json;
using LeakHound.Core.Text;

namespace LeakHound.Probes.Node;

/// <summary><c>explain --format json</c> of a Node.js process (<c>docs/schema</c>, <c>$defs/explain</c>): its memory split and the allocation sites that grew.</summary>
public static class NodeExplanationJson
{
    /// <param name="w">Where to write.</param>
    /// <param name="e">The explanation.</param>
    /// <param name="startedAtSeconds">In a watch's result: when on its time line the explanation began (no <c>command</c> then).</param>
    public static void Write(Utf8JsonWriter w, NodeExplanation e, double? startedAtSeconds = null)
    {
        w.WriteStartObject();
        if (startedAtSeconds is { } started)
        {
            w.WriteNumber("started_at_seconds", Math.Round(started, 3));
        }
        else
        {
            w.WriteString("command", "explain");
        }

        w.WriteString("runtime", "node");
        w.WriteString("mechanism", "inspector: HeapProfiler sampling (live objects after a full GC), process.memoryUsage()");
        w.WriteNumber("pid", e.Pid);
        w.WriteStartObject("inspector");
        w.WriteNumber("port", e.Port);
        w.WriteBoolean("closed", e.InspectorClosed);
        w.WriteEndObject();
        w.WriteNumber("sampling_interval_bytes", e.SamplingIntervalBytes);
        w.WriteNumber("snapshots", e.Profiles.Count);
        w.WriteNumber("duration_seconds", Math.Round(e.Profiles.Count > 0 ? e.Profiles[^1].T - e.Profiles[0].T : 0, 3));
        w.WriteStartArray("memory");
        foreach ((double t, NodeMemory m, _) in e.Profiles)
        {
            w.WriteStartObject();
            w.WriteNumber("t", Math.Round(t, 3));
            w.WriteNumber("heap_used_bytes", m.HeapUsed);
            w.WriteNumber("heap_total_bytes", m.HeapTotal);
            w.WriteNumber("external_bytes", m.External);
            w.WriteNumber("array_buffers_bytes", m.ArrayBuffers);
            w.WriteNumber("rss_bytes", m.Rss);
            w.WriteNumber("rest_bytes", m.Rest);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("heap_growing");
        foreach (AllocationGrowth g in e.Growing)
        {
            w.WriteStartObject();
            w.WriteString("kind", "heap allocation site");
            w.WriteString("what", g.Site.Site.Function.Length == 0 ? "(anonymous)" : g.Site.Site.Function);
            w.WriteString("where", g.Site.Site.Location);
            if (g.Site.Via is { } via) { w.WriteString("via", via.ToString()); } else { w.WriteNull("via"); }
            w.WriteNumberArray("inuse_bytes", g.Bytes);
            w.WriteNumberArray("live_samples", g.Samples.Select(n => (long)n));
            w.WriteNumber("growth_bytes", g.Growth);
            w.WriteNumber("bytes_per_second", Math.Round(g.BytesPerSecond, 1));
            w.WriteStringArray("stack", g.Site.Stack.Select(f => f.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteSnapshots(w, e);
        w.WriteEndObject();
    }

    /// <summary>The heap snapshots' part: each snapshot's pause, and the constructors and collections that grew in every diff.</summary>
    private static void WriteSnapshots(Utf8JsonWriter w, NodeExplanation e)
    {
        w.WriteStartArray("heap_snapshots");
        foreach (Snapshots.SnapshotTaken t in e.Snapshots)
        {
            w.WriteStartObject();
            w.WriteNumber("t", Math.Round(t.T, 3));
            w.WriteNumber("pause_seconds", Math.Round(t.PauseSeconds, 3));
            w.WriteNumber("file_bytes", t.FileBytes);
            w.WriteNumber("nodes", t.Nodes);
            w.WriteNumber("edges", t.Edges);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (e.SnapshotsRefused is { } refused) { w.WriteString("heap_snapshots_refused", refused); } else { w.WriteNull("heap_snapshots_refused"); }
        w.WriteStartArray("growing");
        foreach (Snapshots.ClassGrowth c in e.Classes)
        {
            w.WriteStartObject();
            w.WriteString("kind", "constructor");
            w.WriteString("what", c.Class);
            w.WriteNumberArray("counts", c.Counts);
            w.WriteNumberArray("bytes", c.Bytes);
            w.WriteNumber("growth", c.Growth);
            w.WriteNumber("bytes_growth", c.BytesGrowth);
            w.WriteStringArray("retainer_path", c.RetainerPath);
            w.WriteEndObject();
        }

        foreach (Snapshots.CollectionGrowth c in e.Collections)
        {
            w.WriteStartObject();
            w.WriteString("kind", "collection");
            w.WriteString("what", c.Kind);
            w.WriteNumber("id", c.Id);
            w.WriteNumberArray("counts", c.Entries);
            w.WriteNumber("growth", c.Growth);
            w.WriteStringArray("retainer_path", c.RetainerPath);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
