using LeakHound.Core.Rules;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Rules;

public sealed class RuleEngineTests
{
    /// <summary>A verdict whose time to limit is <paramref name="ttl"/>, its 95% range ±20% around it.</summary>
    private static SeriesVerdict V(string series, Verdict verdict, double? ttl = null, double? current = null) =>
        new()
        {
            Series = series, Verdict = verdict, Reason = "r", TimeToLimitSeconds = ttl, Current = current,
            TimeToLimitEarliestSeconds = ttl * 0.8, TimeToLimitLatestSeconds = ttl * 1.2,
        };

    [Fact]
    public void VerdictEdge_FiresOnce_AndFlappingWithinTheCooldownStaysQuiet()
    {
        RuleEngine engine = new([new Rule("r", new VerdictBecomes("rss", Verdict.Leak), [new StopAction()], 600)]);
        Verdict[] sequence = [Verdict.Insufficient, Verdict.Leak, Verdict.Leak, Verdict.Insufficient, Verdict.Leak, Verdict.Leak];

        int fired = sequence.Select((v, i) => engine.Evaluate("t", [V("rss", v), V("anon", Verdict.Leak)], i * 10).Count).Sum();

        Assert.Equal(1, fired);
        Assert.Single(engine.Evaluate("t", [V("rss", Verdict.Insufficient)], 700).Concat(engine.Evaluate("t", [V("rss", Verdict.Leak)], 710)));
    }

    [Fact]
    public void LevelTriggers_RepeatAfterTheCooldown_PerTargetAndSeries()
    {
        RuleEngine engine = new([
            new Rule("ttl", new TimeToLimitBelow("*", 3600), [new StopAction()], 60),
            new Rule("big", new ValueAbove("go_*", 100), [new StopAction()], 60),
        ]);

        IReadOnlyList<Firing> first = engine.Evaluate("a", [V("rss", Verdict.Leak, ttl: 1800), V("go_goroutines", Verdict.Stable, current: 150), V("fds", Verdict.Stable, current: 500)], 0);
        IReadOnlyList<Firing> again = engine.Evaluate("a", [V("rss", Verdict.Leak, ttl: 1700), V("go_goroutines", Verdict.Stable, current: 160)], 30);
        IReadOnlyList<Firing> otherTarget = engine.Evaluate("b", [V("rss", Verdict.Leak, ttl: 1700)], 30);
        IReadOnlyList<Firing> later = engine.Evaluate("a", [V("rss", Verdict.Leak, ttl: 1600), V("go_goroutines", Verdict.Stable, current: 170)], 61);
        IReadOnlyList<Firing> notLeaking = engine.Evaluate("a", [V("rss", Verdict.Plateau, ttl: 10)], 200);

        Assert.Equal(["ttl", "big"], first.Select(f => f.Rule.Name));
        Assert.Contains("reaches its limit between 24m 0s and 36m 0s", first[0].Why);
        Assert.Empty(again);
        Assert.Single(otherTarget);
        Assert.Equal(2, later.Count);
        Assert.Empty(notLeaking);
    }

    [Fact]
    public void TimeToLimitBelow_FiresOnlyWhenTheLatestTimeTheIntervalAllowsIsBelowIt()
    {
        RuleEngine engine = new([new Rule("ttl", new TimeToLimitBelow("*", 3600), [new StopAction()], 60)]);
        SeriesVerdict uncertain = V("rss", Verdict.Leak, ttl: 1800) with { TimeToLimitLatestSeconds = 5400 };
        SeriesVerdict mayNeverReachIt = V("rss", Verdict.Leak, ttl: 1800) with { TimeToLimitLatestSeconds = null };

        Assert.Empty(engine.Evaluate("a", [uncertain], 0));
        Assert.Empty(engine.Evaluate("b", [mayNeverReachIt], 0));
        Assert.Single(engine.Evaluate("c", [V("rss", Verdict.Leak, ttl: 1800)], 0));
    }

    [Theory]
    [InlineData("rss", "rss", true)]
    [InlineData("rss", "rss{pid=\"1\"}", false)]
    [InlineData("rss*", "rss{pid=\"1\"}", true)]
    [InlineData("*_bytes", "nodejs_external_memory_bytes", true)]
    [InlineData("go_*_total", "go_gc_total", true)]
    [InlineData("a*a", "a", false)]
    [InlineData("*", "anything", true)]
    public void SeriesPatterns_MatchWholeNames(string pattern, string series, bool matches) =>
        Assert.Equal(matches, new ValueAbove(pattern, 0).Matches(series));
}
