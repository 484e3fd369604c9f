using System.Globalization;

namespace LeakHound.Probes;

/// <summary>Files of /proc and /sys that hold one number (<c>pids.max</c>, <c>memory.current</c>, <c>threads-max</c>).</summary>
internal static class KernelFiles
{
    /// <summary>The number in the file; null when it is missing, unreadable, or not a number (<c>max</c>: no limit).</summary>
    public static double? Number(string path)
    {
        try
        {
            string text = File.ReadAllText(path).Trim();
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
