namespace LeakHound.Watching;

/// <summary>
/// A watch that cannot start as asked: the target cannot be started or attached (<see cref="TargetFailed"/>: exit 3 in
/// the CLI), or a setting cannot be used (a log or trace file that cannot be written: exit 2). One line for people.
/// </summary>
public sealed class WatchException(string message, bool targetFailed = false) : Exception(message)
{
    public bool TargetFailed { get; } = targetFailed;
}
