namespace LeakHound.Core.Series;

/// <summary>Summary of the samples that fell into one time slot of a <see cref="BucketHistory"/>.</summary>
/// <remarks>
/// Keeps exactly what the detector needs after downsampling: the minimum and where it was (the floor),
/// the maximum (peaks), and the largest fall inside the slot (a GC drop). All fields merge exactly:
/// the largest fall across two adjacent buckets is max(a.MaxFall, b.MaxFall, a.Max − b.Min).
/// </remarks>
public struct Bucket
{
    public long Index;
    public int Count;
    public double TFirst;
    public double TLast;
    public double First;
    public double Last;
    public double Min;
    public double TMin;
    public double Max;
    public double Sum;
    public double MaxFall;

    /// <summary>Largest fall between two consecutive samples: a GC drops memory in one step, noise falls as it rises.</summary>
    public double MaxStepFall;

    /// <summary>
    /// Largest rise per unit of time between two consecutive samples. A ramp's step grows with the time between samples
    /// and a GC drop does not, so a sampler delayed by load (a few long intervals) must not make a ramp look steep.
    /// </summary>
    public double MaxStepRiseRate;

    /// <summary>Rise per unit of time from one sample to the next; 0 for a fall or samples at the same instant.</summary>
    public static double RiseRate(double fromValue, double fromT, double toValue, double toT) =>
        toT > fromT && toValue > fromValue ? (toValue - fromValue) / (toT - fromT) : 0;

    public static Bucket Start(long index, Sample s) => new()
    {
        Index = index,
        Count = 1,
        TFirst = s.T,
        TLast = s.T,
        First = s.Value,
        Last = s.Value,
        Min = s.Value,
        TMin = s.T,
        Max = s.Value,
        Sum = s.Value,
        MaxFall = 0,
        MaxStepFall = 0,
        MaxStepRiseRate = 0,
    };

    public readonly double Mean => Sum / Count;

    public void Add(Sample s)
    {
        MaxFall = Math.Max(MaxFall, Max - s.Value);
        MaxStepFall = Math.Max(MaxStepFall, Last - s.Value);
        MaxStepRiseRate = Math.Max(MaxStepRiseRate, RiseRate(Last, TLast, s.Value, s.T));
        Count++;
        TLast = s.T;
        Last = s.Value;
        Sum += s.Value;
        if (s.Value < Min)
        {
            Min = s.Value;
            TMin = s.T;
        }

        Max = Math.Max(Max, s.Value);
    }

    /// <summary>Merges a later bucket into an earlier one.</summary>
    public static Bucket Merge(in Bucket earlier, in Bucket later, long index) => new()
    {
        Index = index,
        Count = earlier.Count + later.Count,
        TFirst = earlier.TFirst,
        TLast = later.TLast,
        First = earlier.First,
        Last = later.Last,
        Min = later.Min < earlier.Min ? later.Min : earlier.Min,
        TMin = later.Min < earlier.Min ? later.TMin : earlier.TMin,
        Max = Math.Max(earlier.Max, later.Max),
        Sum = earlier.Sum + later.Sum,
        MaxFall = Math.Max(Math.Max(earlier.MaxFall, later.MaxFall), earlier.Max - later.Min),
        MaxStepFall = Math.Max(Math.Max(earlier.MaxStepFall, later.MaxStepFall), earlier.Last - later.First),
        MaxStepRiseRate = Math.Max(
            Math.Max(earlier.MaxStepRiseRate, later.MaxStepRiseRate),
            RiseRate(earlier.Last, earlier.TLast, later.First, later.TFirst)),
    };
}
