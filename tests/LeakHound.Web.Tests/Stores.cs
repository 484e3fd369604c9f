using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;

namespace LeakHound.Web.Tests;

/// <summary>A store fed the way a watch feeds it: a leaking rss and flat threads, round by round.</summary>
internal static class Stores
{
    public static LiveStore Leaking(out string label, int rounds = 600)
    {
        label = "svc \"blue\"\\prod";
        LiveStore store = new();
        int target = store.AddTarget(label, 4242);
        SeriesDetector rss = new("rss", DetectorOptions.Default with { MinSpanSeconds = 60 }, 8e9);
        // Ten minutes bound a still count only under a generous negligible growth (1000% of the level an hour).
        SeriesDetector threads = new("threads", DetectorOptions.Default with { MinSpanSeconds = 60, NegligibleGrowthPerHour = 10 });
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(new Random(3), rounds - 1, 1, 200e6, 20e6, 10, 1 << 20, 1e5))
        {
            rss.Add(t, v);
            threads.Add(t, 12);
            store.Append(target, t, "rss", v);
            store.Append(target, t, "threads", 12);
            store.EndRound(target, [rss.Current, threads.Current], exited: false);
            store.Publish();
        }

        return store;
    }
}
