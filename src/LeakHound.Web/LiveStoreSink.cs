using LeakHound.Core.Series;
using LeakHound.Watching;

namespace LeakHound.Web;

/// <summary>Feeds the dashboard's store from a watch: samples as they come, verdicts at the end of each round.</summary>
public sealed class LiveStoreSink(LiveStore store) : IWatchSink
{
    private readonly Dictionary<WatchTarget, int> _ids = [];

    public LiveStore Store { get; } = store;

    public void OnStart(WatchEngine watch)
    {
        foreach (WatchTarget target in watch.Targets)
        {
            _ids[target] = Store.AddTarget(target.Label, target.RootPid > 0 ? target.RootPid : null);
        }

        foreach (TimelineMark mark in watch.Marks)
        {
            Store.AddMark(mark);
        }
    }

    public void OnMark(WatchEngine watch, TimelineMark mark) => Store.AddMark(mark);

    public void OnSample(WatchTarget target, SeriesKey key, double t, double value) => Store.Append(_ids[target], t, key.Name, value);

    public void OnRoundEnd(WatchEngine watch)
    {
        foreach (WatchTarget target in watch.Targets)
        {
            Store.EndRound(_ids[target], target.Detectors.Verdicts(final: false), target.Exited);
        }

        // An explanation shows as soon as it is finished, not only in the report at the end.
        IReadOnlyList<ExplanationTable> explained = ExplanationTables.Finished(watch);
        if (explained.Count != _explanations)
        {
            _explanations = explained.Count;
            Store.SetExplanations(explained);
        }

        Store.Publish();
    }

    private int _explanations;

    /// <summary>The final word (a paged leak stays a leak), so a dashboard left up after the watch shows what the summary says.</summary>
    public Task OnEndAsync(WatchResult result)
    {
        foreach (WatchTarget target in result.Targets)
        {
            Store.EndRound(_ids[target], [.. result.VerdictsOf(target)], target.Exited);
        }

        Store.SetExplanations(ExplanationTables.Of(result));

        Store.Publish();
        return Task.CompletedTask;
    }
}
