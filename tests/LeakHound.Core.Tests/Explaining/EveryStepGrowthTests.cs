using LeakHound.Core.Explaining;

namespace LeakHound.Core.Tests.Explaining;

public sealed class EveryStepGrowthTests
{
    private static (double, IReadOnlyDictionary<string, long>) At(double t, params (string Key, long Value)[] amounts) =>
        (t, amounts.ToDictionary(a => a.Key, a => a.Value));

    [Fact]
    public void OnlyWhatRoseInEveryStep_Grows_LargestRiseFirst()
    {
        IReadOnlyList<Growing<string>> growing = EveryStepGrowth.Of<string>([
            At(0, ("leak", 10), ("pool", 5), ("big", 100)),
            At(5, ("leak", 20), ("pool", 9), ("big", 300)),
            At(10, ("leak", 30), ("pool", 7), ("big", 500), ("new", 4))]);

        Assert.Equal(["big", "leak"], growing.Select(g => g.Key));
        Assert.Equal([10L, 20, 30], growing[1].Values);
        Assert.Equal(2.0, growing[1].PerSecond, 9);
        Assert.Equal(400, growing[0].Growth);
    }

    [Fact]
    public void AThingAbsentAtFirst_CountsFromZero_AndTheNoiseTestCanRefuseIt()
    {
        var snapshots = new[] { At(0), At(5, ("x", 3)), At(10, ("x", 4)) };

        Assert.Equal([0L, 3, 4], Assert.Single(EveryStepGrowth.Of<string>(snapshots)).Values);
        Assert.Empty(EveryStepGrowth.Of<string>(snapshots, (_, values) => values[^1] - values[0] > 10));
    }

    [Fact]
    public void OneSnapshot_OrNoTimeBetween_TellsNothing()
    {
        Assert.Empty(EveryStepGrowth.Of<string>([At(0, ("x", 1))]));
        Assert.Empty(EveryStepGrowth.Of<string>([At(3, ("x", 1)), At(3, ("x", 9))]));
    }
}
