using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Series;

namespace LeakHound.Core.Tests.Series;

public sealed class BucketHistoryTests
{
    [Fact]
    public void Add_MillionSamples_StaysWithinCapacity()
    {
        BucketHistory history = new(64);
        for (int i = 0; i < 1_000_000; i++)
        {
            history.Add(new Sample(i, i % 97));
        }

        Assert.InRange(history.Buckets.Length, 32, 64);
        Assert.Equal(1_000_000, history.SampleCount);
        Assert.Equal(1_000_000, history.Buckets.ToArray().Sum(b => b.Count));
    }

    [Property(MaxTest = 100)]
    public bool Merging_KeepsMinMaxSumAndLargestFallExact(NonEmptyArray<NormalFloat> raw)
    {
        double[] values = raw.Get.Select(v => v.Get).ToArray();
        BucketHistory history = new(8);
        for (int i = 0; i < values.Length; i++)
        {
            history.Add(new Sample(i, values[i]));
        }

        Bucket[] buckets = history.Buckets.ToArray();
        double largestFall = 0;
        double runningMax = double.NegativeInfinity;
        foreach (double v in values)
        {
            runningMax = Math.Max(runningMax, v);
            largestFall = Math.Max(largestFall, runningMax - v);
        }

        double bucketFall = 0;
        double maxSoFar = double.NegativeInfinity;
        foreach (Bucket b in buckets)
        {
            bucketFall = Math.Max(bucketFall, Math.Max(b.MaxFall, maxSoFar - b.Min));
            maxSoFar = Math.Max(maxSoFar, b.Max);
        }

        return buckets.Min(b => b.Min) == values.Min()
            && buckets.Max(b => b.Max) == values.Max()
            && Math.Abs(buckets.Sum(b => b.Sum) - values.Sum()) <= 1e-6 * (1 + values.Sum(Math.Abs))
            && buckets.Sum(b => b.Count) == values.Length
            && bucketFall == largestFall;
    }

    [Fact]
    public void Add_TimeGoingBackwards_Throws()
    {
        BucketHistory history = new(8);
        history.Add(new Sample(5, 1));
        Assert.Throws<ArgumentException>(() => history.Add(new Sample(4, 1)));
    }

    [Fact]
    public void Add_SparseSamplesWithGaps_StillBounded()
    {
        BucketHistory history = new(8);
        double t = 0;
        for (int i = 0; i < 10_000; i++)
        {
            t += i % 2 == 0 ? 1 : 1000; // alternating short and huge gaps
            history.Add(new Sample(t, i));
        }

        Assert.True(history.Buckets.Length <= 8);
    }
}
