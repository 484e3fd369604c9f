using LeakHound.Core.Signals;

namespace LeakHound.Core.Series;

/// <summary>
/// Which series this is: the target it belongs to, the signal (<c>rss</c>, <c>go_goroutines</c>,
/// <c>rate(http_requests_total)</c>) and its labels in the Prometheus form (<c>{pid="42",comm="node"}</c>, empty
/// when none). Code passes keys; only files and the wire hold the text form <c>target/signal{labels}</c>, read back by
/// <see cref="Parse"/> at the boundary.
/// </summary>
/// <param name="Target">The target's label; empty for a series of the only target (or of a trace with no targets).</param>
/// <param name="Signal">What is measured.</param>
/// <param name="Labels">The label set including its braces, or empty.</param>
public sealed record SeriesKey(string Target, string Signal, string Labels = "")
{
    /// <summary>The series' name within its target: the signal and its labels.</summary>
    public string Name => Signal + Labels;

    /// <summary>What the series measures, from its signal (labels and target never change it).</summary>
    public SignalUnit Unit => SignalUnits.For(Signal);

    /// <summary>A series of one process of a tree (labelled with its pid), not of the tree as a whole.</summary>
    public bool IsPerProcess => Labels.Contains("pid=\"", StringComparison.Ordinal);

    /// <summary>A series of the target as a whole, without labels: the watch's conclusions rest on these.</summary>
    public bool IsTreeLevel => Labels.Length == 0;

    /// <summary>
    /// A series a watch's conclusion rests on: the target's memory and counts as a whole (not per process), which must all
    /// be judged before <c>--until-verdict</c> stops or a soak passes. Rates and other gauges still fail a soak when they
    /// leak, but need no bound to pass it; PSS is read only now and then (it is costly on big processes) and never holds
    /// a watch up. Page cache is reclaimable: shown, never a conclusion (<see cref="PageCache"/>); an OOM-kill or fail
    /// count is a count of events, told as such, not a resource that leaks.
    /// </summary>
    public bool IsResource => IsTreeLevel && Signal is not ("pss" or "oom_kills" or "memory_failcnt") && !PageCache.IsReclaimable(Signal)
        && Unit is SignalUnit.Bytes or SignalUnit.Count;

    /// <summary>The key for a series name within a target (<c>rss{pid="1"}</c>): the signal and labels split apart.</summary>
    public static SeriesKey Of(string name, string target = "")
    {
        int brace = name.IndexOf('{');
        return brace < 0 || !name.EndsWith('}') ? new SeriesKey(target, name) : new SeriesKey(target, name[..brace], name[brace..]);
    }

    /// <summary>
    /// The key of a stored or recorded name: <c>target/signal{labels}</c> (a watch of several targets) or
    /// <c>signal{labels}</c>. The target ends at the last <c>/</c> before the labels: signal names never hold one.
    /// </summary>
    public static SeriesKey Parse(string text)
    {
        int brace = text.IndexOf('{');
        int slash = (brace < 0 ? text : text[..brace]).LastIndexOf('/');
        return slash <= 0 ? Of(text) : Of(text[(slash + 1)..], text[..slash]);
    }

    public SeriesKey WithTarget(string target) => this with { Target = target };

    /// <summary>The text form: <c>target/name</c>, or the name alone for the only target.</summary>
    public override string ToString() => Target.Length == 0 ? Name : $"{Target}/{Name}";
}
