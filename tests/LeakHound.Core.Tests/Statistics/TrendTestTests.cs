using LeakHound.Core.Statistics;

namespace LeakHound.Core.Tests.Statistics;

public sealed class TrendTestTests
{
    [Fact]
    public void Compute_ExactLine_GivesItsSlopeAndInterceptAndTinyPValue()
    {
        double[] x = Enumerable.Range(0, 50).Select(i => (double)i).ToArray();
        double[] y = x.Select(v => 3 + 2 * v).ToArray();

        TrendEstimate t = TrendTest.Compute(x, y);

        Assert.Equal(2, t.Slope, 12);
        Assert.Equal(3, t.Intercept, 9);
        Assert.True(t.PRising < 1e-9);
        Assert.True(t.RisesAt(0.001));
    }

    [Fact]
    public void Compute_SingleHugeOutlier_DoesNotMoveTheSlope()
    {
        double[] x = Enumerable.Range(0, 40).Select(i => (double)i).ToArray();
        double[] y = x.Select(v => 10 + 0.5 * v).ToArray();
        y[20] = 1e9; // a glitch

        TrendEstimate t = TrendTest.Compute(x, y);

        Assert.Equal(0.5, t.Slope, 9);
    }

    [Fact]
    public void Compute_PureNoise_IsRarelySignificantAndIntervalUsuallyCoversZero()
    {
        Random rng = new(42);
        int covering = 0;
        int significant = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            double[] x = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
            double[] y = x.Select(_ => rng.NextDouble()).ToArray();
            TrendEstimate t = TrendTest.Compute(x, y);
            covering += t.SlopeLow <= 0 && t.SlopeHigh >= 0 ? 1 : 0;
            significant += t.RisesAt(0.001) ? 1 : 0;
        }

        Assert.InRange(covering, 180, 200);
        Assert.InRange(significant, 0, 2);
    }

    [Fact]
    public void Compute_SlowlyWanderingNoise_InflatesVariance()
    {
        // An AR(1) process with ρ = 0.9: neighbours are alike, so the points carry less information than their count.
        Random rng = new(5);
        double[] x = Enumerable.Range(0, 300).Select(i => (double)i).ToArray();
        double[] y = new double[300];
        for (int i = 1; i < y.Length; i++)
        {
            y[i] = 0.9 * y[i - 1] + (rng.NextDouble() - 0.5);
        }

        TrendEstimate t = TrendTest.Compute(x, y);

        Assert.True(t.VarianceInflation > 5, $"inflation {t.VarianceInflation}");
    }

    [Fact]
    public void Compute_SenInterval_CoversTheTrueSlopeMostOfTheTime()
    {
        Random rng = new(11);
        int covered = 0;
        const int trials = 200;
        for (int trial = 0; trial < trials; trial++)
        {
            double[] x = Enumerable.Range(0, 60).Select(i => (double)i).ToArray();
            double[] y = x.Select(v => 1.5 * v + 20 * (rng.NextDouble() - 0.5)).ToArray();
            TrendEstimate t = TrendTest.Compute(x, y);
            if (t.SlopeLow <= 1.5 && 1.5 <= t.SlopeHigh)
            {
                covered++;
            }
        }

        Assert.InRange(covered, 180, 200); // nominal 95%
    }

    [Fact]
    public void Compute_TooFewPoints_Throws()
    {
        Assert.Throws<ArgumentException>(() => TrendTest.Compute([1.0, 2.0], [1.0, 2.0]));
    }
}
