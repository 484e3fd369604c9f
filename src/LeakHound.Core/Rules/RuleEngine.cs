using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Rules;

/// <summary>One rule firing on one series of one target.</summary>
public sealed record Firing(Rule Rule, string Target, SeriesVerdict Verdict, string Why);

/// <summary>
/// Decides which rules fire after each round of verdicts. Pure: the caller runs the actions. A rule rests for its
/// cool-down per target and series after firing, so a flapping signal (leak, insufficient, leak …) does not spam.
/// </summary>
public sealed class RuleEngine(IReadOnlyList<Rule> rules)
{
    /// <summary>Per rule, target and series: the time it last fired, and the verdict seen last round (for edges).</summary>
    private readonly Dictionary<(int Rule, string Target, string Series), double> _lastFired = [];
    private readonly Dictionary<(string Target, string Series), Verdict> _lastVerdict = [];

    public IReadOnlyList<Rule> Rules => rules;

    /// <param name="target">The target's label.</param>
    /// <param name="verdicts">The verdicts of its series now.</param>
    /// <param name="now">Seconds on the watch's clock.</param>
    public IReadOnlyList<Firing> Evaluate(string target, IReadOnlyList<SeriesVerdict> verdicts, double now)
    {
        List<Firing> firings = [];
        foreach (SeriesVerdict v in verdicts)
        {
            Verdict? before = _lastVerdict.TryGetValue((target, v.Series), out Verdict b) ? b : null;
            _lastVerdict[(target, v.Series)] = v.Verdict;
            for (int i = 0; i < rules.Count; i++)
            {
                Rule rule = rules[i];
                if (!rule.Trigger.Matches(v.Series) || Why(rule.Trigger, v, before) is not { } why)
                {
                    continue;
                }

                if (_lastFired.TryGetValue((i, target, v.Series), out double last) && now - last < rule.CooldownSeconds)
                {
                    continue;
                }

                _lastFired[(i, target, v.Series)] = now;
                firings.Add(new Firing(rule, target, v, why));
            }
        }

        return firings;
    }

    private static string? Why(Trigger trigger, SeriesVerdict v, Verdict? before) => trigger switch
    {
        VerdictBecomes b when v.Verdict == b.Verdict && before != b.Verdict => $"{v.Series} became {b.Verdict.ToName()}",
        // Acting on a time to limit (stopping a service, paging) is a claim that the limit is near: it must hold for the
        // latest time the rate's 95% interval allows, not only for the estimate (a short watch's rate can run 2× high).
        TimeToLimitBelow t when v.Verdict == Verdict.Leak && v.TimeToLimitLatestSeconds is { } latest && latest < t.Seconds =>
            $"{v.Series} reaches its limit {VerdictText.TimeToLimit(v)} (< {Units.Quantity.FormatDuration(t.Seconds)})",
        ValueAbove a when v.Current is { } c && c > a.Threshold =>
            $"{v.Series} is {VerdictText.Value(v.Series, c)} (> {VerdictText.Value(v.Series, a.Threshold)})",
        _ => null,
    };
}
