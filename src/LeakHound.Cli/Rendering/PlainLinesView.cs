using System.Text;
using LeakHound.Core.Verdicts;
using LeakHound.Watching;

namespace LeakHound.Cli.Rendering;

/// <summary>When output is not a terminal: one line per target every <paramref name="everySeconds"/>, tree-level series only.</summary>
internal sealed class PlainLinesView(TextWriter output, double everySeconds) : IWatchSink
{
    private double _lastPrinted = double.NegativeInfinity;

    public void OnRoundEnd(WatchEngine watch)
    {
        double t = watch.ElapsedSeconds;
        if (t - _lastPrinted < everySeconds)
        {
            return;
        }

        _lastPrinted = t;
        foreach (WatchTarget target in watch.Targets.Where(x => !x.Exited))
        {
            StringBuilder line = new($"[{VerdictText.Seconds(t)}] {target.Label}:");
            foreach (SeriesVerdict v in target.Detectors.Verdicts(final: false))
            {
                if (!target.KeyOf(v.Series).IsTreeLevel)
                {
                    continue;
                }

                double latest = target.Tracks.TryGetValue(target.KeyOf(v.Series), out SeriesTrack? track) ? track.Latest : double.NaN;
                line.Append($" {v.Series}={VerdictText.Value(v.Series, latest)} ({v.Verdict.ToName()}");
                if (v.Verdict == Verdict.Leak && v.SlopePerSecond is { } s)
                {
                    line.Append($" {VerdictText.Value(v.Series, s * 60, signed: true)}/min");
                }

                line.Append(')');
            }

            output.WriteLine(line);
        }

        output.Flush();
    }
}
