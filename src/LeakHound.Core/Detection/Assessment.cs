using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>What one window of history looks like: the verdict, why, and the floor trend it rests on.</summary>
/// <param name="Verdict">The window's verdict.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Trend">The trend the verdict rests on: the floor's over the window, or since the stop or the step.</param>
/// <param name="Floor">The floor the verdict rests on.</param>
/// <param name="Vetoed">A leak on the samples that outside evidence (<see cref="LeakEvidence"/>) does not back.</param>
internal sealed record Assessment(Verdict Verdict, string Reason, TrendEstimate? Trend, Floor Floor, bool Vetoed = false)
{
    /// <summary>The shape the window has so far, also while its verdict is still insufficient (null: none yet).</summary>
    public Verdict? Shape { get; init; }

    /// <summary>The bound a healthy shape was held to.</summary>
    public GrowthBound? Bound { get; init; }

    /// <summary>The rise that stopped, if the floor rose and then stayed flat.</summary>
    public RiseStop? Stop { get; init; }
}
