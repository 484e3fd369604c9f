using LeakHound.Core.Series;
using LeakHound.Core.Traces;

namespace LeakHound.Core.Signals;

/// <summary>
/// The full (gen2) collections of a garbage-collected process as a watch saw them: when, and the bytes live after each.
/// </summary>
/// <remarks>
/// Between full collections a managed heap also holds every object that died old (in gen2, or large) since the last one,
/// so the heap size, the gen2/LOH/POH sizes and the GC's committed memory climb like a leak for as long as the GC puts
/// the next full collection off — minutes on a big server heap. Only what survives full collections says whether the
/// program keeps more and more, so a leak of those series is called once two full collections inside the window show
/// more bytes live after the later one. Bounded: the latest <c>capacity</c> collections are kept.
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

    private static readonly HashSet<string> s_heldUntilFullCollection = new(StringComparer.Ordinal)
    {
        HeapSizeSeries, CommittedSeries, Gen2SizeSeries, LohSizeSeries, PohSizeSeries,
    };

    private readonly Queue<(double T, double LiveBytes)> _seen = new();

    public int Count => _seen.Count;

    /// <summary>
    /// Series that also hold the objects that died old until the next full collection frees them, so that between full
    /// collections they rise whether or not the program leaks.
    /// </summary>
    public static bool HoldsGarbageUntilFullCollection(string series) => s_heldUntilFullCollection.Contains(series);

    /// <summary>
    /// The full collections of a recorded watch of a .NET target, so that <c>analyze</c> judges the managed heap as the
    /// live watch did. Null for a trace without runtime counters.
    /// </summary>
    public static FullCollections? FromTrace(Trace trace)
    {
        if (!trace.SeriesNames.Contains(Gen2RateSeries))
        {
            return null;
        }

        FullCollections collections = new(int.MaxValue);
        collections.AddRecorded(trace);
        return collections;
    }

    /// <summary>
    /// Adds the full collections a recorded watch shows: one ran in each interval whose gen2 rate is non-zero, and what
    /// it kept is the live-after value recorded with it. A window only counts collections up to its own end, so a
    /// replay may add them all before its samples.
    /// </summary>
    public void AddRecorded(Trace trace)
    {
        if (!trace.SeriesNames.Contains(Gen2RateSeries))
        {
            return;
        }

        IReadOnlyList<Sample> live = trace.SeriesNames.Contains(LiveAfterSeries) ? trace[LiveAfterSeries] : [];
        int next = 0;
        double? latestLive = null;
        foreach (Sample rate in trace[Gen2RateSeries])
        {
            for (; next < live.Count && live[next].T <= rate.T; next++)
            {
                latestLive = live[next].Value;
            }

            if (rate.Value > 0 && latestLive is { } kept)
            {
                Add(rate.T, kept);
            }
        }
    }

    /// <summary>Records a full collection seen at time <paramref name="t"/> (non-decreasing) with the bytes live after it.</summary>
    public void Add(double t, double liveBytes)
    {
        _seen.Enqueue((t, liveBytes));
        if (_seen.Count > capacity)
        {
            _seen.Dequeue();
        }
    }

    /// <summary>
    /// A <see cref="Detection.LeakEvidence"/> for the series that hold old garbage between full collections: the bytes
    /// live after full collections inside the window must have grown, between collections at least half the window apart,
    /// by at least half what the series' own rise predicts over that time. A start-up's first collections, a moment
    /// apart, prove nothing about the hours after them.
    /// </summary>
    public string? LeakEvidence(double windowStart, double windowEnd, double slopePerSecond)
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
            0 => "no full (gen2) collection in the window yet: until one runs, objects that died old rise like a leak",
            1 => "one full (gen2) collection in the window; a later one must show more bytes live after it",
            _ when apart < (windowEnd - windowStart) / 2 =>
                $"full (gen2) collections in the window span {apart:0.#}s of {windowEnd - windowStart:0.#}s; what they keep must be seen growing over at least half of it",
            _ when grew < 0.5 * slopePerSecond * apart =>
                $"the bytes live after full collections grew by {Math.Max(0, grew):G4} in {apart:0.#}s, far less than the rise: it is garbage awaiting the next one",
            _ => null,
        };
    }
}
