using System.CommandLine;
using LeakHound.Core.Detection;
using LeakHound.Core.Units;

namespace LeakHound.Cli.Commands;

/// <summary>
/// The options that set how much evidence a verdict needs, defined once for every command that gives verdicts
/// (<c>run</c>, <c>watch</c>, <c>soak</c>, <c>analyze</c>, <c>report</c>, <c>scan</c>, <c>compare</c>).
/// </summary>
internal static class DetectorOptionSet
{
    public static readonly Option<string> MinSpan = new("--min-span") { Description = "Least observation before any verdict (slow warm-ups look like leaks over short spans)", DefaultValueFactory = _ => "5m" };

    public static readonly Option<string> Negligible = new("--negligible")
    {
        Description = "Growth that does not matter, as a share of the level per time (a healthy verdict claims the floor rises slower), e.g. 1%/h, 5%/min",
        DefaultValueFactory = _ => "1%/h",
    };

    public static readonly Option<string> Horizon = new("--horizon")
    {
        Description = "A healthy verdict also claims the series would not reach its limit within this long, e.g. 30d",
        DefaultValueFactory = _ => "30d",
    };

    public static void AddTo(Command command)
    {
        command.Options.Add(MinSpan);
        command.Options.Add(Negligible);
        command.Options.Add(Horizon);
    }

    /// <exception cref="LeakHoundException">A value is invalid (exit code 2).</exception>
    public static DetectorOptions Read(ParseResult parse) => DetectorOptions.Default with
    {
        MinSpanSeconds = CommonOptions.ParseDuration(parse.GetValue(MinSpan)!, "--min-span"),
        NegligibleGrowthPerHour = ParseShareRate(parse.GetValue(Negligible)!),
        HealthyHorizonSeconds = ParseHorizon(parse.GetValue(Horizon)!),
    };

    /// <summary>Whether the user set --min-span (soak picks its own default otherwise).</summary>
    public static bool MinSpanGiven(ParseResult parse) => parse.GetResult(MinSpan) is { Implicit: false };

    /// <summary>"1%/h", "0.5%/min", "10%/d", "2%/s" → a share of the level per hour.</summary>
    public static double ParseShareRate(string text) =>
        Quantity.TryParseSharePerHour(text, out double perHour)
            ? perHour
            : throw new LeakHoundException($"--negligible: '{text}' is not a share of the level per time (examples: 1%/h, 5%/min, 10%/d)");

    private static double ParseHorizon(string text)
    {
        double seconds = CommonOptions.ParseDuration(text, "--horizon");
        return seconds > 0 ? seconds : throw new LeakHoundException("--horizon must be longer than 0 (example: 30d)");
    }

}
