using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Soak;

/// <summary>A signal's growth per soak iteration (the rule is Core's <see cref="IterationGrowth"/>, as for LeakCheck).</summary>
internal sealed record SeriesGrowth(string Series, IterationGrowth Growth)
{
    /// <summary>Least growth per iteration that counts: less than one object for bytes, one per 100 iterations for counts.</summary>
    public static double MinimumEffect(string series) => SignalUnits.For(series) == SignalUnit.Bytes ? 64 : 0.01;

    /// <summary>The growth of a live service's signal (its readings carry the GC state over: not exact).</summary>
    public static SeriesGrowth? Of(string series, IReadOnlyList<(double Iteration, double Value)> points, double alpha) =>
        IterationGrowth.Of([.. points.Select(p => p.Iteration)], [.. points.Select(p => p.Value)], MinimumEffect(series), alpha, exact: false) is { } g
            ? new SeriesGrowth(series, g)
            : null;

    public bool Leaks => Growth.Leaks;

    public string Describe() =>
        $"{(Growth.PerIteration >= 0 ? "+" : "")}{VerdictText.Value(Series, Growth.PerIteration)} per iteration [95% CI {VerdictText.Value(Series, Growth.Low)} … {VerdictText.Value(Series, Growth.High)}]";
}
