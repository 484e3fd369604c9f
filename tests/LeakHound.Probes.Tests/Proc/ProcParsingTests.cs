using System.Text;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Tests.Proc;

public sealed class ProcParsingTests
{
    private const string Status = "Name:\tnode\nVmPeak:\t  812340 kB\nVmRSS:\t   51200 kB\nRssAnon:\t   40000 kB\nThreads:\t11\n";

    [Theory]
    [InlineData("VmRSS:", 51200 * 1024.0)]
    [InlineData("RssAnon:", 40000 * 1024.0)]
    [InlineData("Threads:", 11)]
    public void Field_TabsAndSpaces_Parsed(string key, double expected) =>
        Assert.Equal(expected, ProcParsing.Field(Encoding.ASCII.GetBytes(Status), Encoding.ASCII.GetBytes(key)));

    [Fact]
    public void Field_Missing_IsNull() =>
        Assert.Null(ProcParsing.Field(Encoding.ASCII.GetBytes(Status), "VmSwap:"u8));

    [Fact]
    public void Field_Garbage_IsNull() =>
        Assert.Null(ProcParsing.Field("VmRSS:\tlots kB\n"u8, "VmRSS:"u8));

    [Theory]
    [InlineData("", new int[0])]
    [InlineData("4021 4022 \n", new[] { 4021, 4022 })]
    [InlineData("  17\n\n99", new[] { 17, 99 })]
    [InlineData("12 x 13", new[] { 12, 13 })]
    public void AddIntegers_ChildrenFile_EveryPid(string text, int[] expected)
    {
        List<int> into = [1];
        ProcParsing.AddIntegers(Encoding.ASCII.GetBytes(text), into);
        Assert.Equal([1, .. expected], into);
    }
}
