using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Detection;

/// <summary>
/// The rate a verdict gives is right when it is given: over generated leaks of known rate, its 95% interval covers the
/// true rate at least 95% of the time — at the moment the leak is first declared (when the estimate runs high by
/// chance as often as not) and at the end — at short, default and long minimum spans. Seeds are fixed: the figures are
/// exact, not a draw.
/// </summary>
public sealed class RateCoverageTests
{
    private const int Seeds = 100;

    [Theory]
    [InlineData(60, "noisy line")]
    [InlineData(60, "sawtooth")]
    [InlineData(60, "staircase")]
    [InlineData(300, "noisy line")]
    [InlineData(300, "sawtooth")]
    [InlineData(300, "staircase")]
    [InlineData(1800, "noisy line")]
    [InlineData(1800, "sawtooth")]
    [InlineData(1800, "staircase")]
    [InlineData(60, "irregular staircase")]
    [InlineData(300, "irregular staircase")]
    [InlineData(1800, "irregular staircase")]
    public void TheInterval_CoversTheTrueRate_WhenTheLeakIsDeclared_AndAtTheEnd(double minSpan, string shape)
    {
        int given = 0, covered = 0, finals = 0, finalCovered = 0;
        List<string> badRanges = [];
        Parallel.For(0, Seeds, seed =>
        {
            (string series, double rate, IEnumerable<(double T, double Value)> samples) = Leak(shape, new Random(seed), 2.5 * minSpan);
            SeriesDetector detector = new(series, DetectorOptions.Default with { MinSpanSeconds = minSpan }, limit: 1e15);
            SeriesVerdict? declared = null;
            foreach ((double t, double v) in samples)
            {
                detector.Add(t, v);
                declared ??= detector.Current.Verdict == Verdict.Leak ? detector.Current : null;
            }

            SeriesVerdict final = detector.Evaluate();
            lock (badRanges)
            {
                if (declared is not null)
                {
                    given++;
                    covered += Covers(declared, rate) ? 1 : 0;
                    if (!(declared.TimeToLimitEarliestSeconds <= declared.TimeToLimitSeconds && declared.TimeToLimitSeconds <= declared.TimeToLimitLatestSeconds))
                    {
                        badRanges.Add($"seed {seed}: {declared.TimeToLimitSeconds} not in [{declared.TimeToLimitEarliestSeconds}, {declared.TimeToLimitLatestSeconds}]");
                    }
                }

                if (final.Verdict == Verdict.Leak)
                {
                    finals++;
                    finalCovered += Covers(final, rate) ? 1 : 0;
                }
            }
        });

        Assert.True(badRanges.Count == 0, "time to limit outside its own range: " + string.Join("; ", badRanges));
        Assert.True(given >= Seeds / 4, $"{shape} at {minSpan}s: only {given} of {Seeds} leaks declared");
        Assert.True(covered >= 0.95 * given, $"{shape} at {minSpan}s: the interval given with the first leak verdict covered the rate {covered} of {given} times");
        Assert.True(finalCovered >= 0.95 * finals, $"{shape} at {minSpan}s: the final interval covered the rate {finalCovered} of {finals} times");
    }

    private static bool Covers(SeriesVerdict v, double rate) => v.SlopeLow <= rate && rate <= v.SlopeHigh;

    /// <summary>A leak of random rate: a noisy line (noise worth 30 s of growth), a GC sawtooth over a rising floor, or a count gaining one every 2–30 s.</summary>
    private static (string Series, double Rate, IEnumerable<(double T, double Value)> Samples) Leak(string shape, Random rng, double duration)
    {
        double bytesPerSecond = 1e3 * (1 + rng.Next(100));
        return shape switch
        {
            "noisy line" => ("rss", bytesPerSecond, SyntheticSeries.LinearFill(rng, duration, 1, 100e6, bytesPerSecond * duration, duration, 0)
                .Select(p => (p.T, p.Value + bytesPerSecond * 30 * SyntheticSeries.Gaussian(rng)))),
            "sawtooth" => ("rss", bytesPerSecond, SyntheticSeries.Sawtooth(rng, duration, 1, 100e6, bytesPerSecond * 200, 10 + rng.Next(20), bytesPerSecond, bytesPerSecond * 5)),
            "irregular staircase" => IrregularStaircaseOf(rng, duration),
            _ => StaircaseOf(rng, duration),
        };
    }

    private static (string, double, IEnumerable<(double, double)>) StaircaseOf(Random rng, double duration)
    {
        double every = 2 + rng.Next(29);
        return ("threads", 1 / every, SyntheticSeries.Staircase(rng, duration, 1, 20, every, rng.Next(3)));
    }

    /// <summary>Steps of 1 or 10 at gaps jittered ±50 % around 2…30 s, up to three of them one more or one less: the rate is step / every.</summary>
    private static (string, double, IEnumerable<(double, double)>) IrregularStaircaseOf(Random rng, double duration)
    {
        double every = 2 + rng.Next(29);
        int step = rng.Next(2) == 0 ? 1 : 10;
        return ("go_goroutines", step / every, SyntheticCounts.Staircase(rng, duration, 1, 50, step, every, 0.5, rng.Next(4), 0));
    }
}
