namespace LeakHound.Cli.Watching;

/// <summary>Something that follows a watch sample by sample, besides the detectors and the trace.</summary>
public interface ISampleSink
{
    void OnSample(WatchedTarget target, double t, string series, double value);

    void OnRoundEnd(IReadOnlyList<WatchedTarget> targets);
}
