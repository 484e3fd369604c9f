namespace LeakHound.Cli.Tests;

/// <summary>
/// A bounded run of the fuzz harness (tests/Shared/Fuzzing.cs) over every parser fed from outside: no input crashes a
/// parser or hangs it; bad input is refused with one short line. The full run (100,000 inputs each) is
/// <c>bench -- fuzz</c>, with its figures in docs/benchmarks.md.
/// </summary>
public sealed class FuzzTests
{
    public static TheoryData<string> Targets() => [.. FuzzTargets.All().Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(Targets))]
    public void MutatedInputs_NeverCrashOrHang(string name)
    {
        FuzzTarget target = FuzzTargets.All().Single(t => t.Name == name);

        FuzzResult result = Fuzzer.Run(target, name == "store reader" ? 300 : 1500, seed: 20261202);

        Assert.True(result.Crashes == 0 && result.Hangs == 0, $"{result.Crashes} crashes, {result.Hangs} hangs; first: {result.FirstCrash}");
        Assert.True(result.Refused > 0, "no input was refused: the mutator does not reach the parser's checks");
        Assert.True(result.Refused < result.Inputs, "every input was refused: the seeds are not valid");
    }
}
