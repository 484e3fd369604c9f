using System.Globalization;

namespace LeakHound.Core.Detection;

/// <summary>What the assessment knows about a series beyond its samples.</summary>
/// <param name="MayBeCount">False for byte series, whose whole-number values are not counts; otherwise a series of
/// whole numbers is judged as a count.</param>
/// <param name="Limit">The value the series must stay below, if known (for time to limit and the negligible growth).</param>
/// <param name="Format">How a value of the series is written in a reason (with its unit).</param>
internal sealed record SeriesTraits(bool MayBeCount, double? Limit, Func<double, string> Format)
{
    public static SeriesTraits Plain { get; } = new(true, null, v => v.ToString("G4", CultureInfo.InvariantCulture));

    /// <summary>A rise per second, written per minute.</summary>
    public string Rate(double perSecond)
    {
        string text = Format(perSecond * 60);
        return (perSecond >= 0 && !text.StartsWith('+') ? "+" : "") + text + "/min";
    }
}
