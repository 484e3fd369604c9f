using LeakHound.Core.Series;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Soak;

/// <summary>
/// What a soak's verdicts mean for CI. It fails on a leak; it is inconclusive (exit 4) while a resource signal of the
/// target is still undecided and its floor's estimated rate is above the negligible growth — it may be rising and the
/// soak was too short to tell (a leak is never passed for want of evidence); otherwise it passes, listing the signals
/// whose growth no leak was seen in but that are not yet bounded.
/// </summary>
internal static class SoakOutcome
{
    public static ExitCode Of(IEnumerable<SeriesVerdict> verdicts)
    {
        List<SeriesVerdict> list = [.. verdicts];
        return list.Any(v => v.Verdict == Verdict.Leak) ? ExitCode.Leak
            : list.Any(MayBeRising) ? ExitCode.Inconclusive
            : ExitCode.NoLeak;
    }

    /// <summary>A resource signal still undecided whose estimated rise is above what does not matter (or not known at all).</summary>
    public static bool MayBeRising(SeriesVerdict v) =>
        SeriesKey.Of(v.Series).IsResource && v.Verdict == Verdict.Insufficient
        && !(v.SlopePerSecond is { } slope && v.NegligiblePerSecond is { } negligible && slope <= negligible);

    /// <summary>One line for the people reading the soak: why it is inconclusive, or which signals are not yet bounded.</summary>
    public static string? Explain(IEnumerable<SeriesVerdict> verdicts)
    {
        List<SeriesVerdict> list = [.. verdicts];
        if (list.Any(v => v.Verdict == Verdict.Leak))
        {
            return null;
        }

        List<string> rising = [.. list.Where(MayBeRising).Select(v => $"{v.Series} ({VerdictText.Rate(v)})")];
        if (rising.Count > 0)
        {
            return $"inconclusive: {string.Join(", ", rising)} may still be growing; soak longer (--duration), or accept more growth as negligible (--negligible)";
        }

        List<string> unbounded = [.. list.Where(v => SeriesKey.Of(v.Series).IsResource && v.Verdict == Verdict.Insufficient).Select(v => v.Series)];
        return unbounded.Count > 0 ? $"passed: no leak, and no growth seen in {string.Join(", ", unbounded)}, though a longer soak would be needed to bound it" : null;
    }
}
