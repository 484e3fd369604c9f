using LeakHound.Core.Detection;
using LeakHound.Core.Signals;
using LeakHound.Core.Simulation;
using LeakHound.Core.Tests.Detection;
using LeakHound.Core.Traces;
using LeakHound.Core.Verdicts;
using Xunit;

namespace LeakHound.Core.Tests.Signals;

public sealed class FullCollectionsTests
{
    /// <summary>A managed heap climbing at 1 MB/s for 20 minutes, fed from t = 1000 s (a watch's clock, not zero).</summary>
    private static IEnumerable<(double T, double Value)> ClimbingHeap() =>
        SyntheticSeries.LinearFill(new Random(7), 1200, 1, 50e6, 1200e6, 1200, 1e5).Select(p => (p.T + 1000, p.Value));

    private static Replay Watch(FullCollections collections)
    {
        SeriesDetector detector = new("dotnet_gc_heap_size_bytes") { LeakEvidence = collections.LeakEvidence };
        return Replay.Of(ClimbingHeap(), detector);
    }

    [Fact]
    public void HeapClimbingWithoutAFullCollection_IsNeverLeak_AndSaysWhy()
    {
        Replay r = Watch(new FullCollections());

        Assert.True(r.FirstLeakAt is null, r.ToString());
        Assert.Equal(Verdict.Insufficient, r.Final.Verdict);
        Assert.Contains("no full (gen2) collection", r.Final.Reason);
    }

    [Fact]
    public void FullCollectionsThatFreeEverything_KeepTheRiseUndecided()
    {
        FullCollections collections = new();
        for (int i = 0; i < 10; i++)
        {
            collections.Add(1000 + 100 * i, 40e6 - i); // live bytes after each: flat
        }

        Replay r = Watch(collections);

        Assert.True(r.FirstLeakAt is null, r.ToString());
        Assert.Contains("garbage awaiting", r.Final.Reason);
    }

    [Fact]
    public void StartUpCollectionsAlone_DoNotBackALaterRise()
    {
        FullCollections collections = new();
        collections.Add(1000.5, 5e6);
        collections.Add(1001, 60e6); // a cache loaded at start: more live, but only in the first second

        Replay r = Watch(collections);

        Assert.True(r.FirstLeakAt is null, r.ToString());
        Assert.Contains("span", r.Final.Reason);
    }

    [Fact]
    public void FullCollectionsShowingTheRetainedBytesGrow_LetTheLeakThrough()
    {
        FullCollections collections = new();
        for (int i = 0; i < 12; i++)
        {
            collections.Add(1000 + 100 * i, 40e6 + 100e6 * i); // the heap's own 1 MB/s, kept
        }

        Replay r = Watch(collections);

        Assert.Equal(Verdict.Leak, r.Final.Verdict);
        Assert.NotNull(r.FirstLeakAt);
    }

    [Fact]
    public void Evidence_NeedsTwoCollections_HalfTheWindowApart_GrowingWithTheRise()
    {
        FullCollections collections = new();
        collections.Add(10, 1e6);
        collections.Add(20, 5e6);
        collections.Add(30, 9e6); // 0.4 MB/s kept

        Assert.Contains("no full", collections.LeakEvidence(0, 5, 0.4e6));
        Assert.Contains("one full", collections.LeakEvidence(15, 25, 0.4e6));
        Assert.Null(collections.LeakEvidence(15, 30, 0.4e6));
        Assert.Contains("span 20s of 100s", collections.LeakEvidence(0, 100, 0.4e6));
        Assert.Contains("far less than the rise", collections.LeakEvidence(10, 30, 1e6));
    }

    /// <summary>A recorded watch: the heap climbing at 1 MB/s, the gen2 rate, and (if given) what full collections kept.</summary>
    private static Trace Recorded(bool withRuntimeCounters, Func<int, double>? keptAfterCollectionAt)
    {
        List<(double T, string Series, double Value)> rows = [.. ClimbingHeap().Select(p => (p.T, "dotnet_gc_heap_size_bytes", p.Value))];
        for (int t = 1000; withRuntimeCounters && t <= 2200; t++)
        {
            bool collected = keptAfterCollectionAt is not null && t % 100 == 50;
            rows.Add((t, FullCollections.Gen2RateSeries, collected ? 1 : 0));
            if (collected)
            {
                rows.Add((t, FullCollections.LiveAfterSeries, keptAfterCollectionAt!(t)));
            }
        }

        return Trace.From(rows);
    }

    private static SeriesVerdict HeapVerdict(Trace trace) =>
        TraceAnalysis.Analyze(trace, DetectorOptions.Default, _ => Limits.None).Single(v => v.Series == "dotnet_gc_heap_size_bytes");

    [Fact]
    public void Analyze_RebuildsTheCollectionsFromTheTrace_AsTheLiveWatchSawThem()
    {
        SeriesVerdict none = HeapVerdict(Recorded(withRuntimeCounters: true, keptAfterCollectionAt: null));
        SeriesVerdict flat = HeapVerdict(Recorded(withRuntimeCounters: true, keptAfterCollectionAt: _ => 40e6));
        SeriesVerdict growing = HeapVerdict(Recorded(withRuntimeCounters: true, keptAfterCollectionAt: t => 1e6 * (t - 1000)));

        Assert.Equal(Verdict.Insufficient, none.Verdict);
        Assert.Contains("no full (gen2) collection", none.Reason);
        Assert.Null(none.DetectedAtSeconds);
        Assert.Equal(Verdict.Insufficient, flat.Verdict);
        Assert.Contains("garbage awaiting", flat.Reason);
        Assert.Equal(Verdict.Leak, growing.Verdict);
    }

    [Fact]
    public void Analyze_OfAHeapTraceWithoutAnyCollectionSeen_SaysSoInsteadOfLeak()
    {
        SeriesVerdict v = HeapVerdict(Recorded(withRuntimeCounters: false, keptAfterCollectionAt: null));

        Assert.Equal(Verdict.Insufficient, v.Verdict);
        Assert.Contains("no garbage collection seen yet", v.Reason);
    }

    [Fact]
    public void KeepsOnlyTheLatestCollections()
    {
        FullCollections collections = new();
        for (int i = 0; i < FullCollections.Capacity + 500; i++)
        {
            collections.Add(i, i);
        }

        Assert.Equal(FullCollections.Capacity, collections.Count);
        Assert.Contains("no full", collections.LeakEvidence(0, 499, 1));
        Assert.Null(collections.LeakEvidence(500, 600, 1));
    }
}
