namespace LeakHound.Core.Verdicts;

/// <summary>What the detector concludes about one series. <see cref="Insufficient"/> is first so that default means "not decided".</summary>
public enum Verdict
{
    /// <summary>Not enough evidence yet for any conclusion; the reason says what is missing.</summary>
    Insufficient = 0,

    /// <summary>No significant trend and no pronounced sawtooth.</summary>
    Stable,

    /// <summary>Healthy churn: repeated rises and drops (e.g. GC cycles) over a floor that does not rise.</summary>
    Sawtooth,

    /// <summary>Rose at first (warm-up), then levelled off.</summary>
    Plateau,

    /// <summary>One jump between two flat levels.</summary>
    Step,

    /// <summary>The floor under the series rises steadily and significantly.</summary>
    Leak,
}

public static class VerdictNames
{
    /// <summary>The lower-case name used in JSON, CSV and on screen.</summary>
    public static string ToName(this Verdict verdict) => verdict switch
    {
        Verdict.Insufficient => "insufficient",
        Verdict.Stable => "stable",
        Verdict.Sawtooth => "sawtooth",
        Verdict.Plateau => "plateau",
        Verdict.Step => "step",
        Verdict.Leak => "leak",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict)),
    };
}
