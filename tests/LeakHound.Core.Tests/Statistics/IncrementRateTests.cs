using LeakHound.Core.Simulation;
using LeakHound.Core.Statistics;

namespace LeakHound.Core.Tests.Statistics;

public sealed class IncrementRateTests
{
    [Fact]
    public void AStaircaseOfEqualStepsAndGaps_HasItsRateExactly()
    {
        double[] x = Enumerable.Range(0, 20).Select(i => 10.0 * i).ToArray();
        double[] y = Enumerable.Range(0, 20).Select(i => 50.0 + i).ToArray();

        (double rate, double low, double high, _) = IncrementRate.Of(x, y, TrendTest.Z)!.Value;

        Assert.Equal(0.1, rate, 12);
        Assert.Equal(0.1, low, 12);
        Assert.Equal(0.1, high, 12);
    }

    [Theory]
    [InlineData(3, 3.182446)]
    [InlineData(10, 2.228139)]
    [InlineData(30, 2.042272)]
    public void StudentQuantile_MatchesTheTable(int df, double t975)
    {
        Assert.Equal(t975, IncrementRate.StudentQuantile(1.959963985, df), 0.01 * t975);
    }

    [Fact]
    public void FewerThanThreeMoves_OrNoTimeElapsed_GiveNoRate()
    {
        Assert.Null(IncrementRate.Of([0, 10, 20], [1, 2, 3], TrendTest.Z));
        Assert.Null(IncrementRate.Of([5, 5, 5, 5], [1, 2, 3, 4], TrendTest.Z));
        Assert.NotNull(IncrementRate.Of([0, 10, 20, 30], [1, 2, 3, 4], TrendTest.Z));
    }

    [Fact]
    public void OnJitteredStaircases_TheIntervalCoversTheRate_AndNarrowsWithTheSteps()
    {
        int covered = 0;
        double shortWidth = 0, longWidth = 0;
        const int Trials = 400;
        for (int seed = 0; seed < Trials; seed++)
        {
            // +1 every 10 s ± 50 %: the true rate is 0.1/s whatever the draw.
            (double[] x, double[] y) = Levels(SyntheticCounts.Staircase(new Random(seed), 2000, 1, 50, 1, 10, 0.5, 0, 0));
            (double rate, double low, double high, _) = IncrementRate.Of(x, y, TrendTest.Z)!.Value;
            covered += low <= 0.1 && 0.1 <= high ? 1 : 0;
            longWidth += (high - low) / rate;
            (double shortRate, double shortLow, double shortHigh, _) = IncrementRate.Of(x.AsSpan(0, 50), y.AsSpan(0, 50), TrendTest.Z)!.Value;
            shortWidth += (shortHigh - shortLow) / shortRate;
        }

        Assert.InRange(covered, (int)(0.95 * Trials), Trials);
        // 200 steps against 50: a quarter of the variance, half the width (within sampling error).
        Assert.InRange(longWidth / shortWidth, 0.4, 0.6);
    }

    [Fact]
    public void StepsThatComeInFastAndSlowSpells_GetAWiderInterval_ThanTheSameGapsInAnyOrder()
    {
        // Spells of 20 steps 5 s apart and 20 steps 15 s apart: the same gaps as alternating ones, but each spell's
        // moves err the same way, so the count's rate is known less well than independent moves would say.
        double[] spells = Enumerable.Range(0, 200).Select(i => i / 20 % 2 == 0 ? 5.0 : 15.0).ToArray();
        double[] alternating = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 5.0 : 15.0).ToArray();
        double[] y = Enumerable.Range(0, 201).Select(i => (double)i).ToArray();

        (double spellRate, double spellLow, double spellHigh, _) = IncrementRate.Of(Times(spells), y, TrendTest.Z)!.Value;
        (double altRate, double altLow, double altHigh, _) = IncrementRate.Of(Times(alternating), y, TrendTest.Z)!.Value;

        Assert.Equal(altRate, spellRate, 12);
        Assert.True(spellHigh - spellLow > 3 * (altHigh - altLow), $"spells [{spellLow}, {spellHigh}] against alternating [{altLow}, {altHigh}]");
    }

    private static double[] Times(double[] gaps)
    {
        double[] x = new double[gaps.Length + 1];
        for (int i = 0; i < gaps.Length; i++)
        {
            x[i + 1] = x[i] + gaps[i];
        }

        return x;
    }

    /// <summary>The levels of a count as the floor hands them to a trend: runs of one value collapse to their first point.</summary>
    internal static (double[] X, double[] Y) Levels(IEnumerable<(double T, double Value)> samples)
    {
        List<double> x = [], y = [];
        foreach ((double t, double v) in samples)
        {
            if (y.Count == 0 || y[^1] != v)
            {
                x.Add(t);
                y.Add(v);
            }
        }

        return ([.. x], [.. y]);
    }
}
