namespace LeakHound.Watching.Replay;

/// <summary>
/// A clock that moves only when the watch asks for its next round: a recorded trace replays through the whole watch
/// (verdicts, rules, history, report, dashboard) as fast as it can be read, each round one interval of the recording.
/// Hand-written because the engine needs one thing of it — "advance by one interval now" — and the fake clocks of the
/// testing packages are for tests.
/// </summary>
public sealed class ReplayClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UnixEpoch.AddTicks(GetTimestamp());

    internal void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
