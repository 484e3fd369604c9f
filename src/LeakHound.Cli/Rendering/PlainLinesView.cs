using System.Text;
using LeakHound.Cli.Watching;
using LeakHound.Core.Verdicts;

namespace LeakHound.Cli.Rendering;

/// <summary>When output is not a terminal: one line per target every <paramref name="everySeconds"/>, tree-level series only.</summary>
public sealed class PlainLinesView(TextWriter output, double everySeconds) : IWatchView
{
    private double _lastPrinted = double.NegativeInfinity;

    public Task RunAsync(WatchSession session, CancellationToken cancel) =>
        session.RunAsync(() => Print(session), cancel);

    private void Print(WatchSession session)
    {
        double t = session.ElapsedSeconds;
        if (t - _lastPrinted < everySeconds)
        {
            return;
        }

        _lastPrinted = t;
        foreach (WatchedTarget target in session.Targets.Where(x => !x.Exited))
        {
            StringBuilder line = new($"[{VerdictText.Seconds(t)}] {target.Label}:");
            foreach (SeriesVerdict v in target.Book.Verdicts(final: false).Where(v => !v.Series.Contains('{')))
            {
                line.Append($" {v.Series}={VerdictText.Value(v.Series, target.Book[v.Series].Latest)} ({v.Verdict.ToName()}");
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

/// <summary>No progress at all (JSON on a pipe).</summary>
public sealed class SilentView : IWatchView
{
    public Task RunAsync(WatchSession session, CancellationToken cancel) => session.RunAsync(() => { }, cancel);
}
