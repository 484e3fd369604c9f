using System.Text.Json;
using LeakHound.Core.Text;

namespace LeakHound.Probes.Go;

/// <summary><c>explain --format json</c> of a Go program (<c>docs/schema</c>, <c>$defs/explain</c>): the goroutine stacks and heap sites that grew.</summary>
public static class GoExplanationJson
{
    /// <param name="w">Where to write.</param>
    /// <param name="e">The explanation.</param>
    /// <param name="startedAtSeconds">In a watch's result: when on its time line the explanation began (no <c>command</c> then).</param>
    public static void Write(Utf8JsonWriter w, GoExplanation e, double? startedAtSeconds = null)
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

        w.WriteString("runtime", "go");
        w.WriteString("mechanism", "net/http/pprof: goroutine?debug=1 (counts), goroutine?debug=2 (state and creator of growing stacks), heap?gc=1 and goroutineleak?debug=1");
        if (e.Pid is { } p) { w.WriteNumber("pid", p); } else { w.WriteNull("pid"); }
        w.WriteString("pprof_url", e.Pprof.AbsoluteUri);
        w.WriteNumber("snapshots", e.Dumps.Count);
        w.WriteNumber("duration_seconds", Math.Round(e.Dumps[^1].T - e.Dumps[0].T, 3));
        w.WriteStartArray("goroutines");
        foreach ((_, IReadOnlyList<GoroutineStack> stacks) in e.Dumps)
        {
            w.WriteNumberValue(stacks.Sum(s => s.Count));
        }

        w.WriteEndArray();
        w.WriteStartArray("growing");
        foreach (GoroutineGrowth g in e.Goroutines)
        {
            w.WriteStartObject();
            w.WriteString("kind", "goroutine stack");
            w.WriteString("what", g.Stack.Blocked?.Function ?? "?");
            w.WriteString("where", g.Stack.Blocked?.Location ?? "?");
            w.WriteString("state", g.Stack.State);
            if (g.Stack.CreatedBy is { } c) { w.WriteString("created_by", c.ToString()); } else { w.WriteNull("created_by"); }
            w.WriteNumberArray("counts", g.Counts.Select(n => (long)n));
            w.WriteNumber("growth", g.Growth);
            w.WriteNumber("per_second", Math.Round(g.PerSecond, 4));
            if (e.LeakProfile.LeakedIn(g.Stack) is { } proven) { w.WriteNumber("proven_leaked", proven); } else { w.WriteNull("proven_leaked"); }
            w.WriteStringArray("stack", g.Stack.Frames.Select(f => f.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        LeakProfile(w, e.LeakProfile);
        w.WriteStartArray("heap_growing");
        foreach (HeapGrowth g in e.Heap)
        {
            w.WriteStartObject();
            w.WriteString("kind", "heap allocation site");
            w.WriteString("what", g.Site.AllocatedAt?.Function ?? "?");
            w.WriteString("where", g.Site.AllocatedAt?.Location ?? "?");
            w.WriteNumberArray("inuse_bytes", g.Bytes);
            w.WriteNumberArray("inuse_objects", g.Objects);
            w.WriteNumber("growth_bytes", g.Growth);
            w.WriteNumber("bytes_per_second", Math.Round(g.BytesPerSecond, 1));
            w.WriteStringArray("stack", g.Site.Stack.Select(f => f.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void LeakProfile(Utf8JsonWriter w, GoroutineLeakProfile profile)
    {
        w.WriteStartObject("goroutine_leak_profile");
        w.WriteBoolean("served", profile.Stacks is not null);
        if (profile.Unavailable is { } why) { w.WriteString("unavailable", why); } else { w.WriteNull("unavailable"); }
        if (profile.Leaked is { } leaked) { w.WriteNumber("leaked", leaked); } else { w.WriteNull("leaked"); }
        w.WriteStartArray("stacks");
        foreach (GoroutineStack s in profile.Stacks ?? [])
        {
            w.WriteStartObject();
            w.WriteString("what", s.Blocked?.Function ?? "?");
            w.WriteString("where", s.Blocked?.Location ?? "?");
            w.WriteNumber("count", s.Count);
            w.WriteStringArray("stack", s.Frames.Select(f => f.ToString()));
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
