using LeakHound.Probes.DotNet.Heap;

namespace LeakHound.Probes.DotNet.Tests.Heap;

public sealed class HeapDiffTests
{
    private static Dictionary<string, TypeStats> Snapshot(params (string Type, long Count, long Bytes)[] types) =>
        types.ToDictionary(t => t.Type, t => new TypeStats(t.Count, t.Bytes));

    [Fact]
    public void Compute_ApplicationTypeRanksBeforeTheStringsItOwns()
    {
        List<TypeGrowth> growth = HeapDiff.Compute([
            Snapshot(("System.String", 1000, 50_000), ("App.Contact", 100, 4_800), ("App.Stable", 10, 100)),
            Snapshot(("System.String", 31_000, 1_550_000), ("App.Contact", 10_100, 484_800), ("App.Stable", 10, 100)),
        ]);

        Assert.Equal(["App.Contact", "System.String"], growth.Select(g => g.Type));
        Assert.Equal(10_000, growth[0].CountGrowth);
    }

    [Fact]
    public void Compute_GrowthBelowNoise_Ignored()
    {
        List<TypeGrowth> growth = HeapDiff.Compute([
            Snapshot(("App.Request", 100, 10_000)),
            Snapshot(("App.Request", 120, 12_000)),
        ]);

        Assert.Empty(growth);
    }

    [Fact]
    public void Compute_MustGrowBetweenEverySnapshot()
    {
        List<TypeGrowth> growth = HeapDiff.Compute([
            Snapshot(("App.Batch", 100, 100_000), ("App.Leak", 100, 100_000)),
            Snapshot(("App.Batch", 5000, 5_000_000), ("App.Leak", 5000, 5_000_000)),
            Snapshot(("App.Batch", 4000, 4_000_000), ("App.Leak", 9000, 9_000_000)),
        ]);

        Assert.Equal("App.Leak", Assert.Single(growth).Type);
    }

    [Fact]
    public void Compute_NewTypeCountsFromZero()
    {
        TypeGrowth g = Assert.Single(HeapDiff.Compute([Snapshot(), Snapshot(("App.New", 500, 64_000))]));
        Assert.Equal(0, g.Before.Count);
    }

    [Theory]
    [InlineData("LeakHound.Samples.Contact", true)]
    [InlineData("MyApp.Cache+Entry[]", true)]
    [InlineData("System.String", false)]
    [InlineData("System.Collections.Generic.Dictionary<System.String, MyApp.Contact>", false)]
    [InlineData("Microsoft.Extensions.Logging.Logger", false)]
    public void IsApplicationType(string type, bool expected) => Assert.Equal(expected, HeapDiff.IsApplicationType(type));
}
