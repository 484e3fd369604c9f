using FsCheck;
using FsCheck.Xunit;
using LeakHound.Core.Statistics;

namespace LeakHound.Core.Tests.Statistics;

public sealed class SelectionTests
{
    [Property(MaxTest = 200)]
    public bool Select_AgreesWithSorting(NonEmptyArray<NormalFloat> values, NonNegativeInt k)
    {
        double[] data = values.Get.Select(v => v.Get).ToArray();
        int index = k.Get % data.Length;
        double[] sorted = data.OrderBy(v => v).ToArray();
        return Selection.Select(data.ToArray(), index) == sorted[index];
    }

    [Fact]
    public void Median_EvenCount_AveragesTheMiddlePair() =>
        Assert.Equal(2.5, Selection.Median(new double[] { 4, 1, 3, 2 }));

    [Fact]
    public void Median_ManyDuplicates() =>
        Assert.Equal(7, Selection.Median(Enumerable.Repeat(7.0, 1001).ToArray()));
}
