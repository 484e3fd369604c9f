using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>What one window of history looks like: the verdict, why, and the floor trend it rests on.</summary>
internal sealed record Assessment(Verdict Verdict, string Reason, TrendEstimate? Trend, Floor Floor);
