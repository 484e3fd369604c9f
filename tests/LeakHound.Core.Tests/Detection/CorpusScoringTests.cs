using LeakHound.Core.Detection;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Detection;

/// <summary>
/// The detection corpus (synthetic shapes and traces recorded from real programs) replayed through the online detector
/// with default settings, the verdict read at every 30-second cut: every verdict must hold when it is given, in both
/// directions.
/// </summary>
public sealed class CorpusScoringTests
{
    public static TheoryData<string> Leaks => [.. DetectionCorpus.Build().Where(c => c.Leaks).Select(c => c.Name)];

    public static TheoryData<string> Healthy => [.. DetectionCorpus.Build().Where(c => !c.Leaks).Select(c => c.Name)];

    private static OnlineScore Score(string name) => OnlineScore.Of(DetectionCorpus.Build().Single(c => c.Name == name));

    [Theory]
    [MemberData(nameof(Leaks))]
    public void ALeak_IsNeverCalledHealthy_AndIsFoundWhenItShouldBe(string name)
    {
        OnlineScore score = Score(name);

        Assert.True(score.FalseHealthy.Count == 0, score.ToString());
        Assert.True(OnlineScore.IsHealthy(score.Final.Verdict) == false, score.ToString());
        if (score.Case.ExpectDetection)
        {
            Assert.True(score.FirstLeakAt is not null, score.ToString());
        }

        // The final word keeps what was paged: a leak declared on the way is a leak at the end, stopped or not.
        if (score.FirstLeakAt is not null)
        {
            Assert.True(score.Final.Verdict == Verdict.Leak, score.ToString());
        }
    }

    [Theory]
    [MemberData(nameof(Healthy))]
    public void AHealthySeries_IsNeverCalledALeak(string name)
    {
        OnlineScore score = Score(name);

        Assert.True(score.FalseLeakAt is null, score.ToString());
        Assert.NotEqual(Verdict.Leak, score.Final.Verdict);
    }
}
