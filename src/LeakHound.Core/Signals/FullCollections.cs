using LeakHound.Core.Series;
using LeakHound.Core.Traces;

namespace LeakHound.Core.Signals;

/// <summary>
/// The full garbage collections of a garbage-collected process as a watch saw them: when, and (where the runtime says)
/// the bytes live after each. .NET, Go, Node.js, the JVM and Python are recognised from their runtime signals.
/// </summary>
/// <remarks>
/// Between full collections a managed heap also holds every object that died old (in .NET's gen2 or large-object heap,
/// V8's old space, the JVM's old generation, or anywhere in Go's heap until its next cycle), so the runtime's heap series
/// climb like a leak for as long as the collector puts the next full collection off — minutes on a big or quiet heap.
/// Only what survives full collections says whether the program keeps more and more, so a leak of those series is
/// called once two full collections inside the window (half of it apart) are seen — and, where the runtime reports the
/// bytes live after each (.NET), once those grew with the rise. A heap series with no collection in view stays
/// insufficient ("no garbage collection seen yet"). Bounded: the latest <c>capacity</c> collections are kept.
/// </remarks>
public sealed class FullCollections(int capacity = FullCollections.Capacity)
{
    /// <summary>Collections a live watch keeps: far more than any window needs to find two.</summary>
    public const int Capacity = 1024;

    /// <summary>A recorded .NET watch's series of full collections per second: non-zero where one ran.</summary>
    public const string Gen2RateSeries = "dotnet_gen2_gcs_per_second";

    /// <summary>A recorded .NET watch's series of the bytes live after the latest full collection.</summary>
    public const string LiveAfterSeries = "dotnet_gc_live_after_full_gc_bytes";

    /// <summary>The managed heap's size, as the runtime counters report it.</summary>
    public const string HeapSizeSeries = "dotnet_gc_heap_size_bytes";

    /// <summary>Memory the GC has committed for its heap.</summary>
    public const string CommittedSeries = "dotnet_gc_committed_bytes";

    public const string Gen2SizeSeries = "dotnet_gen2_size_bytes";

    public const string LohSizeSeries = "dotnet_loh_size_bytes";

    public const string PohSizeSeries = "dotnet_poh_size_bytes";

    private readonly Queue<(double T, double LiveBytes)> _seen = new();

    public int Count => _seen.Count;

    /// <summary>The time of the <paramref name="index"/>-th collection kept, oldest first.</summary>
    public double At(int index) => _seen.ElementAt(index).T;

    /// <summary>
    /// Series that also hold the objects that died old until the next full collection frees them, so that between full
    /// collections they rise whether or not the program leaks: the runtime's own heap series (labels such as
    /// <c>{area="heap"}</c> are read where they say which part of memory a series is).
    /// </summary>
    public static bool HoldsGarbageUntilFullCollection(string series) => RuntimeHeaps.CollectorOf(series) is not null;

    /// <summary>
    /// The evidence a series' leak verdict needs from the collections, worded for its runtime; null for a series that
    /// holds no garbage.
    /// </summary>
    public Detection.LeakEvidence? EvidenceFor(string series) =>
        RuntimeHeaps.CollectorOf(series) is { } collector ? (start, end, slope) => Missing(start, end, slope, collector) : null;

    /// <summary>
    /// The full collections of a recorded watch (a .NET target's gen2 rate and live bytes, a scraped runtime's GC
    /// counter), so that <c>analyze</c> judges the heap series as the live watch did. Empty for a trace without them.
    /// </summary>
    public static FullCollections FromTrace(Trace trace)
    {
        FullCollections collections = new(int.MaxValue);
        collections.AddRecorded(trace);
        return collections;
    }

    /// <summary>
    /// Adds the full collections a recorded watch shows: one ran in each interval whose collection rate is non-zero;
    /// for .NET what it kept is the live-after value recorded with it. A window only counts collections up to its own
    /// end, so a replay may add them all before its samples.
    /// </summary>
    public void AddRecorded(Trace trace)
    {
        List<(double T, double Live)> found = [];
        IReadOnlyList<Sample> live = trace.SeriesNames.Contains(LiveAfterSeries) ? trace[LiveAfterSeries] : [];
        foreach (string series in trace.SeriesNames)
        {
            if (!RuntimeHeaps.CountsFullCollections(series))
            {
                continue;
            }

            int next = 0;
            double? latestLive = null;
            bool dotnet = series == Gen2RateSeries;
            foreach (Sample rate in trace[series])
            {
                for (; dotnet && next < live.Count && live[next].T <= rate.T; next++)
                {
                    latestLive = live[next].Value;
                }

                if (rate.Value > 0 && (!dotnet || latestLive is not null))
                {
                    found.Add((rate.T, dotnet ? latestLive!.Value : double.NaN));
                }
            }
        }

        foreach ((double t, double kept) in found.OrderBy(c => c.T))
        {
            Add(t, kept);
        }
    }

    /// <summary>
    /// Records a full collection seen at time <paramref name="t"/> (non-decreasing) with the bytes live after it, or NaN
    /// when the runtime does not say.
    /// </summary>
    public void Add(double t, double liveBytes = double.NaN)
    {
        _seen.Enqueue((t, liveBytes));
        if (_seen.Count > capacity)
        {
            _seen.Dequeue();
        }
    }

    /// <summary>
    /// A <see cref="Detection.LeakEvidence"/> for .NET's managed-heap series: the bytes live after full collections
    /// inside the window must have grown, between collections at least half the window apart, by at least half what the
    /// series' own rise predicts over that time. A start-up's first collections, a moment apart, prove nothing about the
    /// hours after them.
    /// </summary>
    public string? LeakEvidence(double windowStart, double windowEnd, double slopePerSecond) =>
        Missing(windowStart, windowEnd, slopePerSecond, RuntimeHeaps.DotNet);

    private string? Missing(double windowStart, double windowEnd, double slopePerSecond, string collection)
    {
        int inside = 0;
        (double T, double Live) first = default;
        (double T, double Live) last = default;
        foreach ((double t, double live) in _seen)
        {
            if (t < windowStart || t > windowEnd)
            {
                continue;
            }

            first = inside == 0 ? (t, live) : first;
            last = (t, live);
            inside++;
        }

        double apart = last.T - first.T;
        double grew = last.Live - first.Live;
        return inside switch
        {
            0 => $"no {collection} in the window yet (no garbage collection seen yet): until one runs, objects that died old rise like a leak",
            1 => $"one {collection} in the window; a later one must show the floor kept",
            _ when apart < (windowEnd - windowStart) / 2 =>
                $"{collection}s in the window span {apart:0.#}s of {windowEnd - windowStart:0.#}s; what they keep must be seen growing over at least half of it",
            _ when grew < 0.5 * slopePerSecond * apart =>
                $"the bytes live after full collections grew by {Math.Max(0, grew):G4} in {apart:0.#}s, far less than the rise: it is garbage awaiting the next one",
            _ => null,
        };
    }
}
