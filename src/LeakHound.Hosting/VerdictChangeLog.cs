using System.Collections.Immutable;
using LeakHound.Core.Verdicts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting;

/// <summary>
/// Logs a series' verdict when it changes, and only then: a confirmed leak at once (as a warning), any other settled
/// verdict once it has held for <see cref="LeakHoundOptions.LogAfterSamples"/> samples. <c>insufficient</c> is
/// never logged: it means "no evidence either way", which is not news.
/// </summary>
internal sealed partial class VerdictChangeLog(IOptions<LeakHoundOptions> options, ILogger<VerdictChangeLog> logger)
{
    private readonly int _holdSamples = options.Value.LogAfterSamples;
    private readonly Dictionary<string, State> _states = new(StringComparer.Ordinal);

    public void Observe(ImmutableArray<SeriesVerdict> verdicts)
    {
        foreach (SeriesVerdict v in verdicts)
        {
            if (!_states.TryGetValue(v.Series, out State? state))
            {
                state = new State();
                _states.Add(v.Series, state);
            }

            if (v.Verdict == state.Reported || v.Verdict == Verdict.Insufficient)
            {
                state.Candidate = null;
                continue;
            }

            if (v.Verdict != state.Candidate)
            {
                state.Candidate = v.Verdict;
                state.Held = 0;
            }

            state.Held++;
            if (v.Verdict == Verdict.Leak || state.Held >= _holdSamples)
            {
                Report(state.Reported, v);
                state.Reported = v.Verdict;
                state.Candidate = null;
            }
        }
    }

    private void Report(Verdict? before, SeriesVerdict v)
    {
        if (v.Verdict == Verdict.Leak)
        {
            LogLeak(logger, v.Series, VerdictText.Rate(v), VerdictText.TimeToLimit(v), v.SlopePerSecond, v.TimeToLimitSeconds, v.Reason);
        }
        else if (before == Verdict.Leak)
        {
            LogLeakEnded(logger, v.Series, v.Verdict.ToName(), v.Reason);
        }
        else
        {
            LogVerdict(logger, v.Series, v.Verdict.ToName(), v.Reason);
        }
    }

    // The numeric slope and time to limit travel as structured fields only (for alert queries), not in the text.
#pragma warning disable SYSLIB1015
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "Leak in {Series}: {Rate} (95% CI), time to limit {TimeToLimit}; {Reason}")]
    private static partial void LogLeak(ILogger logger, string series, string rate, string timeToLimit, double? SlopePerSecond, double? TimeToLimitSeconds, string reason);
#pragma warning restore SYSLIB1015

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "{Series} no longer leaks: now {Verdict} ({Reason})")]
    private static partial void LogLeakEnded(ILogger logger, string series, string verdict, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "{Series} is {Verdict} ({Reason})")]
    private static partial void LogVerdict(ILogger logger, string series, string verdict, string reason);

    private sealed class State
    {
        public Verdict? Reported;
        public Verdict? Candidate;
        public int Held;
    }
}
