using LeakHound.Cli.Watching;

namespace LeakHound.Cli.Rendering;

/// <summary>How a watch shows its progress: a live table on a terminal, periodic lines otherwise, or nothing.</summary>
public interface IWatchView
{
    /// <summary>Runs the session, refreshing the view after each round of samples.</summary>
    Task RunAsync(WatchSession session, CancellationToken cancel);
}
