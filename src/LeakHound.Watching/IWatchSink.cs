using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;

namespace LeakHound.Watching;

/// <summary>
/// An output of a watch: the live terminal view, the final table or JSON, the trace file, the watch history, the
/// dashboard, the rules, JUnit, the HTML report. The engine calls every sink in order on its sampling thread; a sink
/// that does slow work (a webhook, a heap diff) runs it in the background. Every member has a default that does nothing.
/// </summary>
public interface IWatchSink
{
    /// <summary>Before the first round.</summary>
    void OnStart(WatchEngine watch)
    {
    }

    /// <summary>One sample of a series of a target, after its detector has seen it.</summary>
    void OnSample(WatchTarget target, SeriesKey key, double t, double value)
    {
    }

    /// <summary>A series' verdict changed (told at the end of the round it changed in).</summary>
    void OnVerdictChange(WatchTarget target, SeriesKey key, Verdict from, SeriesVerdict to)
    {
    }

    /// <summary>Something people should know (a scrape failing, a runtime attached, a rule's outcome); once per episode.</summary>
    void OnNotice(string message)
    {
    }

    /// <summary>A mark on the watch's time line during the watch (a target's processes restarted).</summary>
    void OnMark(WatchEngine watch, TimelineMark mark)
    {
    }

    /// <summary>Every process of a target has exited.</summary>
    void OnTargetExited(WatchTarget target)
    {
    }

    /// <summary>The end of a sampling round: every target read, every change told.</summary>
    void OnRoundEnd(WatchEngine watch)
    {
    }

    /// <summary>
    /// True while this sink needs the watch to go on before it may stop on a verdict (<c>--until-verdict</c>): a heap
    /// diff in progress, a managed heap still undecided.
    /// </summary>
    bool HoldsTheWatch(WatchEngine watch) => false;

    /// <summary>Sampling has stopped (launched targets too): finish background work before the result is made (rule actions).</summary>
    Task OnStoppedAsync(WatchEngine watch) => Task.CompletedTask;

    /// <summary>The watch ended; its final verdicts are in <paramref name="result"/>.</summary>
    Task OnEndAsync(WatchResult result) => Task.CompletedTask;
}
