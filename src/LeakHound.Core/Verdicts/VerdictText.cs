using System.Globalization;
using LeakHound.Core.Signals;
using LeakHound.Core.Units;

namespace LeakHound.Core.Verdicts;

/// <summary>Human wording of verdict fields, shared by every view (terminal, JSON, health checks, reports).</summary>
public static class VerdictText
{
    public static string Rate(SeriesVerdict v)
    {
        if (v.SlopePerSecond is not { } slope)
        {
            return "–";
        }

        string perMinute = Value(v.Series, slope * 60, signed: true);
        if (v.SlopeLow is { } lo && v.SlopeHigh is { } hi)
        {
            return $"{perMinute}/min [{Value(v.Series, lo * 60, true)}, {Value(v.Series, hi * 60, true)}]";
        }

        return perMinute + "/min";
    }

    /// <summary>
    /// When the limit is reached, as the rate's interval allows: "between 1h 50m and 2h 40m", "2h 5m or later" when the
    /// rate's lower end is not above zero; "–" unless leaking with a known limit.
    /// </summary>
    public static string TimeToLimit(SeriesVerdict v) => (v.TimeToLimitSeconds, v.TimeToLimitEarliestSeconds, v.TimeToLimitLatestSeconds) switch
    {
        (null, _, _) => "–",
        (_, { } earliest, { } latest) when Quantity.FormatDuration(earliest) != Quantity.FormatDuration(latest) =>
            $"between {Quantity.FormatDuration(earliest)} and {Quantity.FormatDuration(latest)}",
        (_, { } earliest, null) => $"{Quantity.FormatDuration(earliest)} or later",
        ({ } s, _, _) => Quantity.FormatDuration(s),
    };

    public static string Value(string series, double value, bool signed = false)
    {
        string text = SignalUnits.Format(series, value);
        return signed && value >= 0 ? "+" + text : text;
    }

    public static string Color(Verdict verdict) => verdict switch
    {
        Verdict.Leak => "red",
        Verdict.Insufficient => "grey",
        Verdict.Step or Verdict.Plateau => "yellow",
        _ => "green",
    };

    public static string Seconds(double s) => s.ToString("0.#", CultureInfo.InvariantCulture) + "s";
}
