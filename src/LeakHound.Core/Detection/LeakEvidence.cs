namespace LeakHound.Core.Detection;

/// <summary>
/// Evidence a leak verdict needs from outside the series' own samples. Given the assessed window (start and end in the
/// time the samples were fed with) and the rise per second the samples show, returns null when the evidence is there,
/// or what is still missing; a missing piece keeps the verdict at insufficient.
/// </summary>
public delegate string? LeakEvidence(double windowStart, double windowEnd, double slopePerSecond);
