using LeakHound.Web;

namespace LeakHound.Cli.Watching;

/// <summary>Feeds the dashboard's store from a watch: samples as they come, verdicts at the end of each round.</summary>
public sealed class LiveStoreSink : ISampleSink
{
    private readonly Dictionary<WatchedTarget, int> _ids = [];

    public LiveStoreSink(LiveStore store, IReadOnlyList<WatchedTarget> targets)
    {
        Store = store;
        foreach (WatchedTarget target in targets)
        {
            _ids[target] = store.AddTarget(target.Label, target.RootPid > 0 ? target.RootPid : null);
        }
    }

    public LiveStore Store { get; }

    public void OnSample(WatchedTarget target, double t, string series, double value) => Store.Append(_ids[target], t, series, value);

    public void OnRoundEnd(IReadOnlyList<WatchedTarget> targets)
    {
        foreach (WatchedTarget target in targets)
        {
            Store.EndRound(_ids[target], target.Book.Verdicts(final: false), target.Exited);
        }

        Store.Publish();
    }
}
