namespace LeakHound.Core.Series;

/// <summary>One observation: seconds since the start of the watch (or trace) and the value.</summary>
public readonly record struct Sample(double T, double Value);
