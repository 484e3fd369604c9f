using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using LeakHound.Store;

namespace LeakHound.Cli.Tests;

/// <summary>The store itself: bounded by downsampling on long watches, with the same verdict as the raw samples.</summary>
public sealed class WatchStoreTests
{
    /// <summary>Watches started together on a store of the first version: each would add the missing columns; one does, the others wait and see them.</summary>
    [Fact]
    public void WatchesOpeningAnOlderStoreTogether_AllOpenIt()
    {
        for (int round = 0; round < 5; round++)
        {
            string path = Path.Combine(Path.GetTempPath(), $"leakhound-store-{Guid.NewGuid():N}.db");
            using (Microsoft.Data.Sqlite.SqliteConnection v1 = new($"Data Source={path};Pooling=False"))
            {
                v1.Open();
                using Microsoft.Data.Sqlite.SqliteCommand create = v1.CreateCommand();
                create.CommandText = "CREATE TABLE watches(id INTEGER PRIMARY KEY, started TEXT NOT NULL, command TEXT NOT NULL, targets TEXT NOT NULL, ended TEXT, stopped_because TEXT);";
                create.ExecuteNonQuery();
            }

            using Barrier start = new(8);
            Exception?[] failed = new Exception?[8];
            Thread[] watches = [.. Enumerable.Range(0, 8).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                try
                {
                    using WatchStore store = WatchStore.Open(path, _ => { });
                    store.Begin("watch", $"target {i}");
                }
                catch (Exception e)
                {
                    failed[i] = e;
                }
            }))];
            foreach (Thread t in watches) { t.Start(); }
            foreach (Thread t in watches) { t.Join(); }

            Assert.All(failed, e => Assert.True(e is null, e?.Message));
            File.Delete(path);
        }
    }

    [Fact]
    public void LongWatch_StaysBounded_AndKeepsItsVerdict()
    {
        string path = Path.Combine(Path.GetTempPath(), $"leakhound-store-{Guid.NewGuid():N}.db");
        List<string> warnings = [];
        using WatchStore store = WatchStore.Open(path, warnings.Add);
        store.RawSeconds = 600;
        store.DownsampleEveryCommits = 500;
        long id = store.Begin("test", "synthetic");
        SeriesDetector raw = new("rss");
        int rounds = 0;
        foreach ((double t, double v) in SyntheticSeries.Sawtooth(new Random(5), 20_000, 1, 100e6, 20e6, 120, 5_000, 2e5))
        {
            store.Add(t, "rss", v);
            store.Commit();
            raw.Add(t, v);
            rounds++;
        }

        store.Downsample();
        (double T, string Series, double Value)[] kept = [.. store.Samples(id)];
        SeriesDetector replayed = new("rss");
        foreach ((double t, _, double v) in kept)
        {
            replayed.Add(t, v);
        }

        Assert.Empty(warnings);
        Assert.True(kept.Length < 600 + 2 * 1100, $"{kept.Length} of {rounds} samples kept");
        Assert.Equal(raw.Evaluate().Verdict, replayed.Evaluate().Verdict);
        Assert.Equal(Core.Verdicts.Verdict.Leak, replayed.Evaluate().Verdict);
        Assert.Equal(rounds - 1, kept[^1].T); // the newest samples are all there
    }
}
