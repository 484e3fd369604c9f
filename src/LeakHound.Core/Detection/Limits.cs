using LeakHound.Core.Series;
using LeakHound.Core.Signals;

namespace LeakHound.Core.Detection;

/// <summary>
/// The limits a target's series are measured against — the one policy every front end uses: memory for byte series,
/// the descriptor limit for descriptor counts, the task limit (threads and processes together) for thread and process
/// counts; a series of another kind has none. Each target has its own.
/// </summary>
/// <param name="MemoryBytes">The memory limit (cgroup, or the machine's memory, or --limit).</param>
/// <param name="Descriptors">The process's open-file limit.</param>
/// <param name="Tasks">The most threads and processes the target can have (the kernel's, the cgroup's, the user's).</param>
/// <param name="MemorySource">Where the memory limit came from, for people ("cgroup memory.max", "--limit").</param>
public sealed record Limits(double? MemoryBytes = null, double? Descriptors = null, double? Tasks = null, string? MemorySource = null)
{
    public static Limits None { get; } = new();

    private static readonly HashSet<string> s_descriptors = new(StringComparer.Ordinal) { "fds", "process_open_fds", "open_fds" };
    private static readonly HashSet<string> s_tasks = new(StringComparer.Ordinal) { "threads", "procs", "process_threads", "dotnet_threadpool_threads" };

    /// <summary>The limit of one series: memory for bytes, descriptors for descriptor counts, tasks for thread counts.</summary>
    public double? For(SeriesKey key) => key.Unit switch
    {
        SignalUnit.Bytes => MemoryBytes,
        _ when s_descriptors.Contains(key.Signal) => Descriptors,
        _ when s_tasks.Contains(key.Signal) => Tasks,
        _ => null,
    };
}
