namespace LeakHound.Testing;

/// <summary>Growth of one signal per iteration, with its 95% interval, and whether it counts as a leak.</summary>
public sealed record SignalGrowth(string Signal, string Unit, double PerIteration, double Low, double High, double Confidence, bool Leaks, double First, double Last)
{
    public override string ToString() =>
        $"{Signal}: {Format(PerIteration)} {Unit}/iteration [95% CI {Format(Low)} … {Format(High)}], {First:G6} → {Last:G6}{(Leaks ? " — LEAK" : "")}";

    private static string Format(double v) => v.ToString(Math.Abs(v) >= 100 ? "0" : "0.###", System.Globalization.CultureInfo.InvariantCulture);
}
