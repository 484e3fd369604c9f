using LeakHound.Core.Series;
using LeakHound.Core.Traces;

namespace LeakHound.Probes.Replay;

/// <summary>
/// A recorded trace as a source: each round hands on the samples recorded up to the round's time, each with its own
/// time, so a replayed watch's detectors see exactly what <c>analyze</c> sees. It ends on the first round after the
/// last sample.
/// </summary>
/// <param name="trace">The recording.</param>
/// <param name="series">Which of its series this source plays: the recorded name, and the name within the target.</param>
public sealed class TraceReplaySource(Trace trace, IReadOnlyList<(string Recorded, string Name)> series) : ISignalSource
{
    private readonly int[] _next = new int[series.Count];

    public bool Ended { get; private set; }

    public ValueTask ReadAsync(SignalReadings into, CancellationToken cancel)
    {
        bool any = false;
        for (int i = 0; i < series.Count; i++)
        {
            IReadOnlyList<Sample> samples = trace[series[i].Recorded];
            for (; _next[i] < samples.Count && samples[_next[i]].T <= into.T; _next[i]++)
            {
                into.Add(series[i].Name, samples[_next[i]].Value, samples[_next[i]].T);
                any = true;
            }
        }

        Ended = !any && series.Select((s, i) => _next[i] >= trace[s.Recorded].Count).All(done => done);
        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
    }
}
