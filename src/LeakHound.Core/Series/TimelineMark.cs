namespace LeakHound.Core.Series;

/// <summary>A moment of a watch's time line: where it resumed after an outage (a gap), or where its process was replaced.</summary>
/// <param name="T">Seconds on the watch's time line (where the gap begins, or the restart happens).</param>
/// <param name="Kind">"gap" (the watcher was not running) or "restart" (a new process).</param>
/// <param name="Seconds">How long the gap lasted (0 for a restart).</param>
public sealed record TimelineMark(double T, string Kind, double Seconds)
{
    public const string Gap = "gap";
    public const string Restart = "restart";
}
