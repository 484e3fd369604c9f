namespace LeakHound.Cli.Rendering;

/// <summary>Unicode block sparkline of recent values, scaled to their own range.</summary>
internal static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    public static string Render(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return "";
        }

        double min = values.Min();
        double max = values.Max();
        char[] chars = new char[values.Count];
        for (int i = 0; i < values.Count; i++)
        {
            int level = max > min ? (int)Math.Round((values[i] - min) / (max - min) * (Blocks.Length - 1)) : 0;
            chars[i] = Blocks[level];
        }

        return new string(chars);
    }
}
