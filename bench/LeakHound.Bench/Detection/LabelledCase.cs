namespace LeakHound.Bench.Detection;

/// <summary>One trace of the detection corpus with its truth: leaking or healthy, and the limit the alerting rules compare against.</summary>
internal sealed record LabelledCase(string Name, bool Leaks, double Limit, double IntervalSeconds, IReadOnlyList<(double T, double Value)> Samples, string Source);
