namespace LeakHound.Watching;

/// <summary>
/// The kernel's OOM killer killed processes of a target at its memory limit, and what the watch had foretold: the first
/// time to the limit projected since the target's processes last started (none when no leak had been declared).
/// </summary>
/// <param name="AtSeconds">When the watch saw the kill (on the watch's time line).</param>
/// <param name="Count">Processes killed since the round before.</param>
/// <param name="Series">The series whose leak made the projection.</param>
/// <param name="ProjectedFromSeconds">When the projection was made (the leak declared).</param>
/// <param name="ProjectedAtSeconds">When it said the limit would be reached.</param>
public sealed record OomKill(double AtSeconds, int Count, string? Series, double? ProjectedFromSeconds, double? ProjectedAtSeconds)
{
    /// <summary>How far off the projection was, as a share of the warning it gave (0.1: off by a tenth of the lead).</summary>
    public double? ProjectionError => ProjectedFromSeconds is { } from && ProjectedAtSeconds is { } at && AtSeconds > from
        ? Math.Abs(at - AtSeconds) / (AtSeconds - from)
        : null;

    /// <summary>One line for people.</summary>
    public string Describe(string target) =>
        $"{target}: the kernel OOM-killed {(Count == 1 ? "a process" : $"{Count} processes")} at the memory limit at t={AtSeconds:0.#}s; "
        + (ProjectedAtSeconds is { } at
            ? $"{Series} was projected at t={ProjectedFromSeconds:0.#}s to reach the limit at t={at:0.#}s (off by {Math.Abs(at - AtSeconds):0.#}s, {ProjectionError:P0} of the {AtSeconds - ProjectedFromSeconds:0.#}s warning)"
            : "no leak had been declared before it, so no time to the limit was projected");
}
