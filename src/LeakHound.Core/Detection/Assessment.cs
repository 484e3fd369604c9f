using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>What one window of history looks like: the verdict, why, and the floor trend it rests on.</summary>
/// <param name="Verdict">The window's verdict.</param>
/// <param name="Reason">Why, in words.</param>
/// <param name="Trend">The floor's trend, when it had the points for one.</param>
/// <param name="Floor">The floor the verdict rests on.</param>
/// <param name="Vetoed">A leak on the samples that outside evidence (<see cref="LeakEvidence"/>) does not back.</param>
internal sealed record Assessment(Verdict Verdict, string Reason, TrendEstimate? Trend, Floor Floor, bool Vetoed = false);
