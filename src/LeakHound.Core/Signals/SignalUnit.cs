namespace LeakHound.Core.Signals;

/// <summary>What a series measures, which decides how it is shown and which limit applies.</summary>
public enum SignalUnit
{
    Other,
    Bytes,
    Count,
}

public static class SignalUnits
{
    private static readonly HashSet<string> s_byteSignals =
        new(["rss", "anon", "pss", "swap", "heap", "external", .. PageCache.ByteSignals], StringComparer.OrdinalIgnoreCase);
    private static readonly HashSet<string> s_countSignals = new(StringComparer.OrdinalIgnoreCase)
    {
        "threads", "fds", "procs", "goroutines", "go_goroutines", "process_open_fds", "handles", "pids", "oom_kills", "memory_failcnt",
    };

    /// <summary>The unit of a series from its name (labels such as <c>{pid="1"}</c> and a target prefix are ignored).</summary>
    public static SignalUnit For(string series)
    {
        string name = Series.SeriesKey.Parse(series).Signal;
        if (s_byteSignals.Contains(name) || name.EndsWith("_bytes", StringComparison.OrdinalIgnoreCase))
        {
            return SignalUnit.Bytes;
        }

        return s_countSignals.Contains(name) || name.EndsWith("_count", StringComparison.OrdinalIgnoreCase) || name.EndsWith("_total", StringComparison.OrdinalIgnoreCase)
            ? SignalUnit.Count
            : SignalUnit.Other;
    }


    /// <summary>Formats a value in the unit of its series.</summary>
    public static string Format(string series, double value) => For(series) switch
    {
        SignalUnit.Bytes => Units.Quantity.FormatBytes(value),
        SignalUnit.Count => value.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString("G4", System.Globalization.CultureInfo.InvariantCulture),
    };
}
