using LeakHound.Core.Series;
using LeakHound.Core.Signals;
using LeakHound.Core.Statistics;
using LeakHound.Core.Verdicts;

namespace LeakHound.Core.Detection;

/// <summary>
/// The online leak detector for one series: feed samples one at a time, read <see cref="Current"/> at any moment.
/// Memory is bounded by <see cref="DetectorOptions.HistoryCapacity"/> buckets; the window is re-assessed only when a
/// bucket closes, so the cost per sample is amortised O(1) however long the series runs.
/// </summary>
public sealed class SeriesDetector
{
    private readonly DetectorOptions _options;
    private readonly BucketHistory _history;
    private double _origin = double.NaN;
    private double? _detectedAt;
    private SeriesVerdict? _lastLeak;
    private TrendEstimate? _leakTrend;
    private double? _leakStoppedAt;
    private int _leakStreak;
    private double _leakStreakStart;
    private SeriesVerdict? _current;
    private double? _knownRestart;

    /// <summary>The restart told before the latest: where the life before the current one began.</summary>
    private double? _previousRestart;

    private readonly bool _online;
    private readonly bool _mayBeCount;

    /// <param name="series">The series' name (within its target).</param>
    /// <param name="options">The statistics.</param>
    /// <param name="limit">The value the series must stay below, for time to limit.</param>
    /// <param name="online">See <see cref="SeriesDetector(SeriesKey, DetectorOptions?, double?, bool)"/>.</param>
    public SeriesDetector(string series, DetectorOptions? options = null, double? limit = null, bool online = true)
        : this(SeriesKey.Of(series), options, limit, online)
    {
    }

    /// <param name="key">Which series: its target, signal and labels (the signal decides its unit).</param>
    /// <param name="options">The statistics.</param>
    /// <param name="limit">The value the series must stay below, for time to limit.</param>
    /// <param name="online">
    /// True (live watches, traces): re-assess at every closed bucket, so a verdict is known at every moment and a leak
    /// must hold over consecutive assessments. False (fleet scans of a finished range): only keep the history and
    /// assess once at <see cref="Evaluate()"/>, confirming a leak on the history as it stood at the last
    /// <see cref="DetectorOptions.ConfirmAssessments"/> bucket closes — the same evidence, without paying for thousands
    /// of assessments of every short series.
    /// </param>
    public SeriesDetector(SeriesKey key, DetectorOptions? options = null, double? limit = null, bool online = true)
    {
        _online = online;
        _options = options ?? DetectorOptions.Default;
        string? error = _options.Validate();
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(options));
        }

        Key = key;
        Limit = limit;
        _history = new BucketHistory(_options.HistoryCapacity);
        _mayBeCount = key.Unit != SignalUnit.Bytes;
    }

    /// <summary>Which series this is.</summary>
    public SeriesKey Key { get; }

    /// <summary>False for a byte series (its whole-number values are sizes); otherwise whole values make it a count.</summary>
    public bool MayBeCount => _mayBeCount;

    private SeriesTraits Traits => new(_mayBeCount, Limit, v => SignalUnits.Format(Key.Signal, v));

    /// <summary>The series' name within its target (<see cref="SeriesKey.Name"/>).</summary>
    public string Series => Key.Name;

    /// <summary>The value the series must stay below (memory limit, FD limit); used for time to limit.</summary>
    public double? Limit { get; set; }

    /// <summary>Evidence from outside the samples that a leak of this series needs (null: the samples alone decide).</summary>
    public LeakEvidence? LeakEvidence { get; init; }

    /// <summary>
    /// Time of the first sample. Samples are kept relative to it; verdicts give their times (detected, stopped,
    /// restarted, at) on the clock the samples came with, so that every front end reports the same moments.
    /// </summary>
    public double Origin => _origin;

    public BucketHistory History => _history;

    /// <summary>The latest verdict (re-assessed at each closed bucket; offline, assessed on each read).</summary>
    public SeriesVerdict Current => _online ? _current ??= Evaluate() : Evaluate();

    /// <summary>Adds one sample. Non-finite values (a NaN gauge, a failed read) are skipped.</summary>
    public void Add(double t, double value)
    {
        if (!double.IsFinite(value) || !double.IsFinite(t))
        {
            return;
        }

        if (double.IsNaN(_origin))
        {
            _origin = t;
        }

        if (_history.Add(new Sample(t - _origin, value)) && _online)
        {
            _current = Evaluate(record: true);
        }
        else if (_current is not null)
        {
            _current = _current with { Current = value, Samples = _history.SampleCount, AtSeconds = t };
        }
    }

    /// <summary>
    /// Tells the detector that the process behind the series was replaced at <paramref name="t"/> (a watch resumed with
    /// a new process, a service restarted): its history is judged from there, as after a restart seen in the floor.
    /// </summary>
    public void MarkRestart(double t)
    {
        if (double.IsNaN(_origin) || !double.IsFinite(t))
        {
            return; // nothing before it to set apart
        }

        double at = t - _origin;
        if (_knownRestart is { } latest && at > latest)
        {
            _previousRestart = latest;
        }

        _knownRestart = Math.Max(_knownRestart ?? double.MinValue, at);
        _current = null;
    }

    /// <summary>
    /// How much the series' floor rose between two times on the samples' clock (the lowest value of the first bucket
    /// from <paramref name="start"/> to that of the last bucket up to <paramref name="end"/>), or null when the history
    /// has no two buckets there: what another series' rise is weighed against (<see cref="Signals.PageCache"/>).
    /// </summary>
    public double? RiseBetween(double start, double end)
    {
        ReadOnlySpan<Bucket> buckets = _history.Buckets;
        if (buckets.Length < 2)
        {
            return null;
        }

        int first = FirstBucketFrom(buckets, start - _origin);
        int last = buckets.Length - 1;
        while (last > first && buckets[last].TFirst > end - _origin)
        {
            last--;
        }

        return last <= first ? null : buckets[last].Min - buckets[first].Min;
    }

    /// <summary>
    /// The floor over the whole history and the trend the current verdict rests on (since the latest restart; after the
    /// stop or the step for a plateau or a step), for charts.
    /// </summary>
    public SeriesExplanation Explain()
    {
        ReadOnlySpan<Bucket> buckets = _history.Buckets;
        if (buckets.Length == 0)
        {
            return new SeriesExplanation([], [], null, null, null, null);
        }

        Floor floor = FloorExtractor.Extract(buckets, _mayBeCount);
        Assessment assessment = CurrentAssessment();
        if (assessment.Trend is not { } t)
        {
            return new SeriesExplanation(floor.X, floor.Y, null, null, null, null);
        }

        double from = assessment.Stop?.At ?? assessment.Floor.X[0];
        return new SeriesExplanation(floor.X, floor.Y, t.Intercept, t.Slope, t.SlopeLow, t.SlopeHigh) { TrendFromT = from };
    }

    /// <summary>The assessment of the history as it stands (since its latest restart): the shape and the trend it rests on.</summary>
    internal Assessment CurrentAssessment()
    {
        SeriesTraits traits = Traits;
        ReadOnlySpan<Bucket> buckets = _history.Buckets;
        ReadOnlySpan<Bucket> segment = buckets[SinceRestart(buckets, traits).Start..];
        return AssessWindows(segment, segment[^1].TLast - segment[0].TFirst, traits);
    }

    /// <summary>Assesses the whole history now, e.g. at the end of a watch or trace.</summary>
    public SeriesVerdict Evaluate() => Evaluate(record: false);

    private SeriesVerdict Evaluate(bool record)
    {
        ReadOnlySpan<Bucket> all = _history.Buckets;
        if (all.Length == 0)
        {
            return new SeriesVerdict { Series = Series, Target = Key.Target, Verdict = Verdict.Insufficient, Reason = "no samples yet", Limit = Limit };
        }

        SeriesTraits traits = Traits;
        Sample latest = _history.Latest!.Value;
        (int first, double? restart, Floor whole) = SinceRestart(all, traits);
        ReadOnlySpan<Bucket> buckets = all[first..];
        double span = latest.T - buckets[0].TFirst;
        Assessment assessment = AssessWindows(buckets, span, traits, first == 0 ? whole : null);
        Verdict verdict = assessment.Verdict;
        string reason = assessment.Reason;
        string since = restart is not { } r ? ""
            : r == _knownRestart ? $" since the new process at t={_origin + r:0.#}s"
            : $" since the restart at t={_origin + r:0.#}s (the floor fell back to where it started)";
        if (_history.SampleCount < _options.MinSamples)
        {
            verdict = Verdict.Insufficient;
            reason = $"{_history.SampleCount} samples; need at least {_options.MinSamples}";
        }
        else if (span < _options.MinSpanSeconds)
        {
            verdict = Verdict.Insufficient;
            reason = $"{span:0.#}s observed{since}; need {_options.MinSpanSeconds - span:0.#}s more (minimum span {_options.MinSpanSeconds:0.#}s)";
        }
        else if (restart is not null)
        {
            reason += since;
        }

        if (!_online)
        {
            if (verdict == Verdict.Leak && !LeakHeldBefore(buckets, traits))
            {
                verdict = Verdict.Insufficient;
                reason = $"leak-like rise, not yet held over {_options.ConfirmAssessments} assessments ({assessment.Reason})";
            }
            else if (verdict == Verdict.Insufficient && restart is { } rs && first > 0 && !assessment.Vetoed && assessment.Stop is null
                && LeakBefore(all[..first], traits) is { } before && RisesAgain(buckets, before.Slope))
            {
                // What the live detector does (a declared leak stands until the new process shows otherwise), for a range
                // judged at once: a process that leaked until it restarted, and whose floor climbs again, still leaks
                // (a service OOM-killed and restarted every hour is never long enough in one life to be judged alone).
                verdict = Verdict.Leak;
                reason = $"leaked at {traits.Rate(before.Slope)} until the restart at t={_origin + rs:0.#}s, and its floor rises again since";
                double floorNow = assessment.Floor.Y.Length > 0 ? assessment.Floor.Y[^1] : buckets[^1].Min;
                double floorAt = assessment.Floor.X.Length > 0 ? assessment.Floor.X[^1] : buckets[^1].TMin;
                assessment = assessment with { Trend = before with { Intercept = floorNow - before.Slope * floorAt } };
            }

            return OnSampleClock(Verdicted(verdict, reason, assessment, buckets, latest, restart));
        }

        // A declared leak stands until the evidence turns against it: a later window that cannot decide on its own (a
        // compaction of the history can hide cycles for a while; a few cycles' floor rising at 95% but just under 99.9%
        // reads as a plain sawtooth; a restart leaves too short a segment) is no reason to take a page back. A plateau,
        // a step or a floor that stopped rising is such evidence, and takes it back at once.
        if (verdict is Verdict.Insufficient or Verdict.Sawtooth or Verdict.Stable && _detectedAt is not null && _leakStoppedAt is null
            && !assessment.Vetoed && assessment.Stop is null && (CannotTell(assessment) || LeakTests.StillRises(assessment, _options)))
        {
            verdict = Verdict.Leak;
            reason = restart is { } rr && CannotTell(assessment)
                ? $"restarted at t={_origin + rr:0.#}s; the leak declared at {_origin + _detectedAt:0.#}s stands until the new process shows otherwise"
                : $"floor still rises{(restart is { } ra ? $" again after the restart at t={_origin + ra:0.#}s" : "")}, as when the leak was declared at {_origin + _detectedAt:0.#}s ({assessment.Reason})";
            assessment = assessment.Trend is null ? assessment with { Trend = _leakTrend } : assessment;
        }

        // A leak pages someone: the evidence must hold over consecutive assessments, not flicker through once. A final
        // assessment (record: false) of a leak that was already confirmed needs no new streak: the whole history agrees.
        int streak = verdict == Verdict.Leak ? _leakStreak + 1 : 0;
        double streakStart = streak == 1 ? latest.T : _leakStreakStart;
        bool confirmedBefore = !record && _detectedAt is not null;
        if (verdict == Verdict.Leak && !confirmedBefore && (streak < _options.ConfirmAssessments || latest.T - streakStart < _options.ConfirmShare * span))
        {
            verdict = Verdict.Insufficient;
            reason = $"leak-like rise, confirming ({assessment.Reason})";
        }

        SeriesVerdict result = Verdicted(verdict, reason, assessment, buckets, latest, restart);
        if (record)
        {
            _leakStreak = streak;
            _leakStreakStart = streakStart;
            if (verdict == Verdict.Leak)
            {
                _detectedAt ??= latest.T;
                _leakStoppedAt = null;
                _lastLeak = result;
                _leakTrend = assessment.Trend;
            }
            else if (_lastLeak is not null)
            {
                _leakStoppedAt ??= latest.T;
            }

            result = result with { DetectedAtSeconds = _detectedAt, LeakStoppedAtSeconds = _leakStoppedAt };
        }
        else if (verdict != Verdict.Leak && _lastLeak is { } paged)
        {
            // The final word keeps what was paged: a leak declared during the watch (and perhaps acted on) stays a leak,
            // with when it stopped rising and what the series looks like now.
            double stopped = _leakStoppedAt ?? latest.T;
            result = paged with
            {
                Reason = $"leaked from {_origin + _detectedAt:0.#}s to {_origin + stopped:0.#}s at {traits.Rate(paged.SlopePerSecond ?? 0)}, then stopped (now {verdict.ToName()}: {reason})",
                LeakStoppedAtSeconds = stopped,
                TimeToLimitSeconds = null,
                TimeToLimitEarliestSeconds = null,
                TimeToLimitLatestSeconds = null,
                Current = latest.Value,
                Samples = _history.SampleCount,
                AtSeconds = latest.T,
            };
        }

        return OnSampleClock(result);
    }

    /// <summary>The verdict's times moved from the history's own (first sample at 0) to the samples' clock.</summary>
    private SeriesVerdict OnSampleClock(SeriesVerdict v) => v with
    {
        DetectedAtSeconds = v.DetectedAtSeconds + _origin,
        LeakStoppedAtSeconds = v.LeakStoppedAtSeconds + _origin,
        RestartedAtSeconds = v.RestartedAtSeconds + _origin,
        AtSeconds = v.AtSeconds + _origin,
    };

    /// <summary>Too few floor levels to say whether the floor still rises (just after a restart).</summary>
    private bool CannotTell(Assessment assessment) => assessment.Trend is null || assessment.Floor.TrendX.Length < _options.MinTrendPoints;

    /// <summary>The history from its latest restart on (all of it when there was none), and the restart's time.</summary>
    private (int Start, double? RestartAt, Floor Whole) SinceRestart(ReadOnlySpan<Bucket> buckets, SeriesTraits traits)
    {
        Floor floor = FloorExtractor.Extract(buckets, traits.MayBeCount);
        double? seen = Segments.LatestRestart(floor, ShapeChecks.Noise(floor.Y));
        if ((seen is { } s && s > (_knownRestart ?? double.MinValue) ? seen : _knownRestart) is not { } at || at > buckets[^1].TLast)
        {
            return (0, null, floor);
        }

        int start = Math.Min(FirstBucketFrom(buckets, at), buckets.Length - 1);
        if (start > 0 && buckets[start - 1].TLast >= at)
        {
            start--;
        }

        return (start, at, floor);
    }

    /// <summary>The trend of a leak in the history before a restart (its own latest life, held as a leak is offline), or null.</summary>
    private TrendEstimate? LeakBefore(ReadOnlySpan<Bucket> before, SeriesTraits traits)
    {
        if (before.Length < _options.MinTrendPoints)
        {
            return null;
        }

        // Where that life began: the restart told before the latest, else one seen in its floor. (A floor of lives each
        // under a sawtooth can be one level per life: the restarts are its only "cycles", and no fall is seen in it.)
        double? began = _previousRestart is { } previous && previous < before[^1].TLast ? previous : null;
        if (began is null)
        {
            Floor floor = FloorExtractor.Extract(before, traits.MayBeCount);
            began = Segments.LatestRestart(floor, ShapeChecks.Noise(floor.Y));
        }

        int start = began is { } at ? Math.Min(FirstBucketFrom(before, at), before.Length - 1) : 0;
        ReadOnlySpan<Bucket> life = before[start..];
        double span = life[^1].TLast - life[0].TFirst;
        if (life.Length < _options.MinTrendPoints || span < _options.MinSpanSeconds)
        {
            return null;
        }

        Assessment judged = AssessWindows(life, span, traits);
        return judged.Verdict == Verdict.Leak && LeakHeldBefore(life, traits) ? judged.Trend : null;
    }

    /// <summary>
    /// The new life's floor keeps pace with the leak before it: its lowest point over its second half stands at least
    /// half of what the old rate predicts above where it started (a GC ramp rises too, but its next cycle falls back).
    /// </summary>
    private static bool RisesAgain(ReadOnlySpan<Bucket> life, double slope)
    {
        double start = life[0].Min;
        double middle = (life[0].TFirst + life[^1].TLast) / 2;
        double low = double.PositiveInfinity;
        foreach (Bucket b in life)
        {
            low = b.TFirst >= middle ? Math.Min(low, b.Min) : low;
        }

        return double.IsFinite(low) && low - start >= 0.5 * slope * (middle - life[0].TFirst);
    }

    /// <summary>Offline confirmation: the history without its last one, two … buckets was judged a leak too.</summary>
    private bool LeakHeldBefore(ReadOnlySpan<Bucket> buckets, SeriesTraits traits)
    {
        for (int i = 1; i < _options.ConfirmAssessments; i++)
        {
            if (buckets.Length - i < _options.MinTrendPoints)
            {
                return false;
            }

            ReadOnlySpan<Bucket> before = buckets[..^i];
            double span = before[^1].TLast - before[0].TFirst;
            if (span < _options.MinSpanSeconds || AssessWindows(before, span, traits).Verdict != Verdict.Leak)
            {
                return false;
            }
        }

        return true;
    }

    private SeriesVerdict Verdicted(Verdict verdict, string reason, Assessment assessment, ReadOnlySpan<Bucket> buckets, Sample latest, double? restart)
    {
        TrendEstimate? trend = assessment.Trend;
        double? floorNow = trend is { } t ? t.Intercept + t.Slope * latest.T : assessment.Floor.Y.Length > 0 ? assessment.Floor.Y[^1] : null;
        // A working set that rises with page cache still says when it would reach the limit (the cache is reclaimed first).
        bool leak = verdict == Verdict.Leak || (assessment.Vetoed && Key.Signal == Signals.PageCache.WorkingSet && trend is not null);
        double headroom = Limit is { } limit ? limit - WindowAssessor.RecentPeak(buckets) : double.NaN;
        return new SeriesVerdict
        {
            Series = Series,
            Target = Key.Target,
            Verdict = verdict,
            Reason = reason,
            SlopePerSecond = trend?.Slope,
            SlopeLow = trend?.SlopeLow,
            SlopeHigh = trend?.SlopeHigh,
            Confidence = trend is { } c ? 1 - c.PRising : 0,
            DetectedAtSeconds = _detectedAt,
            TimeToLimitSeconds = leak ? TimeAt(headroom, trend!.Value.Slope) : null,
            TimeToLimitEarliestSeconds = leak ? TimeAt(headroom, trend!.Value.SlopeHigh) : null,
            TimeToLimitLatestSeconds = leak ? TimeAt(headroom, trend!.Value.SlopeLow) : null,
            Limit = Limit,
            Current = latest.Value,
            Floor = floorNow,
            Cycles = assessment.Floor.Cycles,
            Samples = _history.SampleCount,
            AtSeconds = latest.T,
            Shape = assessment.Shape,
            NegligiblePerSecond = assessment.Bound?.Negligible
                ?? GrowthBound.NegligibleRate(floorNow ?? latest.Value, WindowAssessor.RecentPeak(buckets), Limit, assessment.Floor.IsCount, _options),
            RestartedAtSeconds = restart,
        };
    }

    /// <summary>Seconds until the peaks of the series, rising at <paramref name="rate"/>, reach the limit (OOM happens at a peak).</summary>
    private static double? TimeAt(double headroom, double rate) =>
        double.IsNaN(headroom) || !(rate > 0) ? null : Math.Max(0, headroom / rate);

    /// <summary>
    /// Leak is tested on the whole history and, once it is long, on its recent half and quarter too, so a leak that starts
    /// after days of calm is not diluted. Every other verdict describes the whole history.
    /// </summary>
    private Assessment AssessWindows(ReadOnlySpan<Bucket> buckets, double span, SeriesTraits traits, Floor? floor = null)
    {
        Assessment full = Vetted(WindowAssessor.Assess(buckets, _options, traits, floor), buckets);
        if (full.Verdict == Verdict.Leak)
        {
            return full;
        }

        double end = buckets[^1].TLast;
        foreach (double share in (ReadOnlySpan<double>)[0.5, 0.25])
        {
            if (span * share < Math.Max(_options.MinSpanSeconds, 1e-9))
            {
                break;
            }

            int start = FirstBucketFrom(buckets, end - span * share);
            if (buckets.Length - start < _options.MinTrendPoints)
            {
                break;
            }

            // A recent window whose floor (as the whole window sees it) does not even rise at 5% cannot be a leak: not
            // worth a full assessment of its own.
            if (!RecentFloorRises(full.Floor, end - span * share))
            {
                continue;
            }

            Assessment recent = Vetted(WindowAssessor.Assess(buckets[start..], _options, traits), buckets[start..]);
            if (recent.Verdict == Verdict.Leak && !SlowerThanBefore(buckets[..start], recent.Trend!.Value))
            {
                return recent with { Reason = recent.Reason + $" over the last {share:P0} of the watch" };
            }
        }

        return full;
    }

    /// <summary>A leak that the outside evidence does not back yet stays undecided, saying what is missing.</summary>
    private Assessment Vetted(Assessment assessment, ReadOnlySpan<Bucket> window)
    {
        if (assessment.Verdict != Verdict.Leak || LeakEvidence is null)
        {
            return assessment;
        }

        string? missing = LeakEvidence(_origin + window[0].TFirst, _origin + window[^1].TLast, assessment.Trend!.Value.Slope);
        return missing is null ? assessment : assessment with { Verdict = Verdict.Insufficient, Reason = "floor rises, but " + missing, Vetoed = true };
    }

    private static bool RecentFloorRises(Floor floor, double from)
    {
        int first = Array.FindIndex(floor.TrendX, x => x >= from);
        return first >= 0 && FloorTrend.Of(floor.TrendX.AsSpan(first), floor.TrendY.AsSpan(first), floor.IsCount) is { PRising: < 0.05 };
    }

    /// <summary>
    /// A recent rise that is slower than the rise before it is the tail of a warm-up, not a leak that has just begun.
    /// </summary>
    private bool SlowerThanBefore(ReadOnlySpan<Bucket> earlier, TrendEstimate recent)
    {
        if (FloorTrend.Of(FloorExtractor.Extract(earlier, _mayBeCount)) is not { } before)
        {
            return false;
        }

        return before.Slope > 0 && recent.Slope < _options.MaxDeceleration * before.Slope;
    }

    private static int FirstBucketFrom(ReadOnlySpan<Bucket> buckets, double t)
    {
        int lo = 0;
        int hi = buckets.Length - 1;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (buckets[mid].TFirst < t) { lo = mid + 1; } else { hi = mid; }
        }

        return lo;
    }
}
