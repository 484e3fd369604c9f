using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;

namespace LeakHound.Hosting.Tests;

/// <summary>Feeds synthetic shapes into a monitor at the seam where the hosted service would feed /proc readings.</summary>
internal static class Feeding
{
    /// <summary>Minutes stand for hours here: a minute's minimum span, and growth under the level an hour is negligible.</summary>
    public static readonly DetectorOptions Fast = DetectorOptions.Default with { MinSpanSeconds = 60, NegligibleGrowthPerHour = 1 };

    public static LeakMonitor Monitor(double? memoryLimit = 4e9) => new(Fast, new Limits(memoryLimit, 1024));

    /// <summary>rss leaking 1 MiB/s under a sawtooth, threads flat.</summary>
    public static IEnumerable<(double T, List<KeyValuePair<string, double>> Readings)> Leaking(double seconds, int seed = 1)
    {
        Random rng = new(seed);
        foreach ((double t, double rss) in SyntheticSeries.Sawtooth(rng, seconds, 1, 200e6, 20e6, 8, 1 << 20, 1e5))
        {
            yield return (t, [new("rss", rss), new("threads", 20)]);
        }
    }

    /// <summary>The same sawtooth with a flat floor.</summary>
    public static IEnumerable<(double T, List<KeyValuePair<string, double>> Readings)> Healthy(double seconds, int seed = 1)
    {
        Random rng = new(seed);
        foreach ((double t, double rss) in SyntheticSeries.Sawtooth(rng, seconds, 1, 200e6, 20e6, 8, 0, 1e5))
        {
            yield return (t, [new("rss", rss), new("threads", 20)]);
        }
    }

    public static void Feed(this LeakMonitor monitor, IEnumerable<(double T, List<KeyValuePair<string, double>> Readings)> samples)
    {
        foreach ((double t, List<KeyValuePair<string, double>> readings) in samples)
        {
            monitor.Record(1000 + t, readings);
        }
    }
}
