namespace LeakHound.Core.Signals;

/// <summary>
/// The full (gen2) collections of a garbage-collected process as a watch saw them: when, and the bytes live after each.
/// </summary>
/// <remarks>
/// Between full collections a managed heap also holds every object that died old (in gen2, or large) since the last one,
/// so the heap size, the gen2/LOH/POH sizes and the GC's committed memory climb like a leak for as long as the GC puts
/// the next full collection off — minutes on a big server heap. Only what survives full collections says whether the
/// program keeps more and more, so a leak of those series is called once two full collections inside the window show
/// more bytes live after the later one. Bounded: the latest <see cref="Capacity"/> collections are kept.
/// </remarks>
public sealed class FullCollections
{
    public const int Capacity = 1024;

    private readonly Queue<(double T, double LiveBytes)> _seen = new();

    public int Count => _seen.Count;

    /// <summary>Records a full collection seen at time <paramref name="t"/> (non-decreasing) with the bytes live after it.</summary>
    public void Add(double t, double liveBytes)
    {
        _seen.Enqueue((t, liveBytes));
        if (_seen.Count > Capacity)
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
