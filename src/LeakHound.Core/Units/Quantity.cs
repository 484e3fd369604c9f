using System.Globalization;
using System.Text.RegularExpressions;

namespace LeakHound.Core.Units;

/// <summary>Parsing and formatting of sizes ("1.5GiB", "512M") and durations ("90s", "1h30m").</summary>
public static partial class Quantity
{
    /// <summary>
    /// Bytes from a size. Binary: KiB, MiB, GiB, TiB and bare K, M, G, T (as docker's <c>-m 512m</c>);
    /// decimal: KB, MB, GB, TB; B or no unit means bytes. Case-insensitive.
    /// </summary>
    public static bool TryParseBytes(string text, out double bytes)
    {
        bytes = 0;
        Match m = SizePattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            return false;
        }

        string unit = m.Groups[2].Value.ToUpperInvariant();
        double factor = unit switch
        {
            "" or "B" => 1,
            "K" or "KIB" => 1024,
            "M" or "MIB" => 1024.0 * 1024,
            "G" or "GIB" => 1024.0 * 1024 * 1024,
            "T" or "TIB" => 1024.0 * 1024 * 1024 * 1024,
            "KB" => 1e3,
            "MB" => 1e6,
            "GB" => 1e9,
            "TB" => 1e12,
            _ => double.NaN,
        };
        bytes = number * factor;
        return double.IsFinite(bytes) && bytes > 0;
    }

    /// <summary>Seconds from "500ms", "30s", "5m", "2h", "1d", combinations ("1h30m") or a plain number of seconds.</summary>
    public static bool TryParseDuration(string text, out double seconds)
    {
        seconds = 0;
        string s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double plain))
        {
            seconds = plain;
            return double.IsFinite(plain) && plain >= 0;
        }

        MatchCollection parts = DurationPart().Matches(s);
        if (parts.Count == 0 || parts.Sum(p => p.Length) != s.Length)
        {
            return false;
        }

        foreach (Match part in parts)
        {
            double n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += n * part.Groups[2].Value.ToLowerInvariant() switch
            {
                "ms" => 0.001,
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => 86400,
                _ => double.NaN,
            };
        }

        return double.IsFinite(seconds) && seconds >= 0;
    }

    /// <summary>
    /// A share of a level per time: "1%/h", "0.5%/min", "10%/d", "2%/s" → the share per hour (0.01 for 1%/h).
    /// </summary>
    public static bool TryParseSharePerHour(string text, out double perHour)
    {
        perHour = 0;
        Match m = SharePattern().Match(text.Trim());
        if (!m.Success || !double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double percent)
            || !double.IsFinite(percent) || percent < 0)
        {
            return false;
        }

        perHour = percent / 100 * m.Groups[2].Value.ToLowerInvariant() switch
        {
            "s" => 3600,
            "m" or "min" => 60,
            "h" => 1,
            _ => 1.0 / 24,
        };
        return double.IsFinite(perHour);
    }

    /// <summary>"1.40 GiB", "512 KiB", "37 B".</summary>
    public static string FormatBytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double v = Math.Abs(bytes);
        int u = 0;
        while (v >= 1024 && u < units.Length - 1)
        {
            v /= 1024;
            u++;
        }

        string sign = bytes < 0 ? "-" : "";
        return u == 0 ? $"{sign}{v:0} B" : string.Create(CultureInfo.InvariantCulture, $"{sign}{v:0.##} {units[u]}");
    }

    /// <summary>"45s", "12m 30s", "3h 5m", "2d 4h", "3.5 years"; any finite number, however large.</summary>
    public static string FormatDuration(double seconds)
    {
        if (!double.IsFinite(seconds))
        {
            return "∞";
        }

        // Beyond a year days and hours stop meaning anything, and TimeSpan overflows near 2.9e4 years.
        const double year = 365.25 * 86400;
        if (seconds >= year)
        {
            double years = seconds / year;
            return years < 1e6 ? string.Create(CultureInfo.InvariantCulture, $"{years:0.#} years") : "over a million years";
        }

        TimeSpan t = TimeSpan.FromSeconds(Math.Max(0, seconds));
        return t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h"
            : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes}m"
            : t.TotalMinutes >= 1 ? $"{(int)t.TotalMinutes}m {t.Seconds}s"
            : string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:0.#}s");
    }

    [GeneratedRegex(@"^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*([a-zA-Z]*)$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^([0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?)\s*%\s*/\s*(s|m|min|h|d)$", RegexOptions.IgnoreCase)]
    private static partial Regex SharePattern();

    [GeneratedRegex(@"([0-9]*\.?[0-9]+)(ms|[smhd])", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPart();
}
