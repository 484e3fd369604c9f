using System.Text.Json;
using LeakHound.Core.Verdicts;
using LeakHound.Probes.DotNet.Heap;

namespace LeakHound.Watching;

/// <summary>
/// The watch result document (<c>docs/schema/leakhound.schema.json</c>, <c>$defs/result</c>): how the watch ended, its
/// targets with their limits and heap diffs, and every final verdict in the one verdict form. <c>run</c>, <c>watch</c>,
/// <c>demo</c>, <c>replay</c> and <c>soak</c> print it with <c>--format json</c>.
/// </summary>
public static class WatchResultJson
{
    /// <param name="w">Where to write.</param>
    /// <param name="command">The command that watched.</param>
    /// <param name="result">How the watch ended.</param>
    /// <param name="exitCode">The exit code the command ends with.</param>
    /// <param name="extra">More properties of the document (a soak's comparison with its base).</param>
    public static void Write(Utf8JsonWriter w, string command, WatchResult result, int exitCode, Action<Utf8JsonWriter>? extra = null)
    {
        w.WriteStartObject();
        w.WriteString("command", command);
        w.WriteNumber("duration_seconds", Math.Round(result.DurationSeconds, 3));
        w.WriteString("stopped_because", result.StoppedBecause.ToName());
        w.WriteNumber("exit_code", exitCode);
        w.WriteStartArray("targets");
        foreach (WatchTarget t in result.Targets)
        {
            WriteTarget(w, t, result.HeapDiffs.GetValueOrDefault(t), result.GoExplanations.GetValueOrDefault(t), result.NodeExplanations.GetValueOrDefault(t));
        }

        w.WriteEndArray();
        w.WriteStartArray("verdicts");
        foreach ((_, SeriesVerdict verdict) in result.Verdicts)
        {
            VerdictJson.Write(w, verdict);
        }

        w.WriteEndArray();
        WriteMarks(w, result.Marks);
        extra?.Invoke(w);
        w.WriteEndObject();
    }

    /// <summary><c>timeline_marks</c>: where a resumed watch's time line has a gap or a new process.</summary>
    public static void WriteMarks(Utf8JsonWriter w, IReadOnlyList<Core.Series.TimelineMark> marks)
    {
        w.WriteStartArray("timeline_marks");
        foreach (Core.Series.TimelineMark m in marks)
        {
            w.WriteStartObject();
            w.WriteString("kind", m.Kind);
            w.WriteNumber("at_seconds", Math.Round(m.T, 3));
            w.WriteNumber("seconds", Math.Round(m.Seconds, 3));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteTarget(Utf8JsonWriter w, WatchTarget t, ExplanationOutcome<HeapDiffResult>? diff, ExplanationOutcome<Probes.Go.GoExplanation>? explanation,
        ExplanationOutcome<Probes.Node.NodeExplanation>? nodeExplanation)
    {
        w.WriteStartObject();
        w.WriteString("label", t.Label);
        if (t.RootPid > 0) { w.WriteNumber("pid", t.RootPid); } else { w.WriteNull("pid"); }
        w.WriteNumber("max_processes", t.MaxProcesses);
        VerdictJson.Number(w, "exited_at_seconds", t.ExitedAtSeconds);
        if (t.Launched?.ExitCode is { } x) { w.WriteNumber("target_exit_code", x); } else { w.WriteNull("target_exit_code"); }
        if (t.Launched?.ExitDescription is { } how) { w.WriteString("target_exit", how); } else { w.WriteNull("target_exit"); }
        Core.Detection.Limits limits = t.Detectors.Limits;
        VerdictJson.Number(w, "memory_limit_bytes", limits.MemoryBytes);
        if (limits.MemorySource is { } source) { w.WriteString("memory_limit_source", source); } else { w.WriteNull("memory_limit_source"); }
        VerdictJson.Number(w, "descriptor_limit", limits.Descriptors);
        VerdictJson.Number(w, "task_limit", limits.Tasks);
        if (t.Cgroup is { } cgroup) { w.WriteString("cgroup", cgroup.ToString()); } else { w.WriteNull("cgroup"); }
        w.WriteNumber("restarts", t.Restarts);
        w.WriteStartArray("oom_kills");
        foreach (OomKill kill in t.OomKills)
        {
            w.WriteStartObject();
            w.WriteNumber("at_seconds", Math.Round(kill.AtSeconds, 3));
            w.WriteNumber("count", kill.Count);
            if (kill.Series is { } series) { w.WriteString("series", series); } else { w.WriteNull("series"); }
            VerdictJson.Number(w, "projected_from_seconds", kill.ProjectedFromSeconds);
            VerdictJson.Number(w, "projected_at_seconds", kill.ProjectedAtSeconds);
            VerdictJson.Number(w, "projection_error", kill.ProjectionError);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (explanation is not null)
        {
            w.WritePropertyName("go_explanation");
            if (explanation.Result is { } found)
            {
                Probes.Go.GoExplanationJson.Write(w, found, explanation.StartedAtSeconds);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        if (nodeExplanation is not null)
        {
            w.WritePropertyName("node_explanation");
            if (nodeExplanation.Result is { } found)
            {
                Probes.Node.NodeExplanationJson.Write(w, found, nodeExplanation.StartedAtSeconds);
            }
            else
            {
                w.WriteNullValue();
            }
        }

        if (diff is not null)
        {
            w.WritePropertyName("heap_diff");
            if (diff.Result is null)
            {
                w.WriteNullValue();
            }
            else
            {
                w.WriteStartObject();
                w.WriteNumber("started_at_seconds", diff.StartedAtSeconds);
                HeapDiffJson.WriteProperties(w, diff.Result);
                w.WriteEndObject();
            }
        }

        w.WriteEndObject();
    }
}
