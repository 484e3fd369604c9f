using System.Collections.Immutable;
using LeakHound.Core.Verdicts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeakHound.Hosting.Tests;

/// <summary>Logs at verdict changes only: a leak at once, other verdicts once they hold, never the waiting state.</summary>
public sealed class VerdictChangeLogTests
{
    private readonly CapturingLogger<VerdictChangeLog> _logger = new();
    private readonly VerdictChangeLog _log;

    public VerdictChangeLogTests() => _log = new VerdictChangeLog(Options.Create(new LeakHoundOptions()), _logger);

    private void Say(Verdict verdict, int times = 1)
    {
        for (int i = 0; i < times; i++)
        {
            _log.Observe(ImmutableArray.Create(new SeriesVerdict
            {
                Series = "rss", Verdict = verdict, Reason = "because", SlopePerSecond = verdict == Verdict.Leak ? 1 << 20 : null,
                SlopeLow = verdict == Verdict.Leak ? 1 << 19 : null, SlopeHigh = verdict == Verdict.Leak ? 1 << 21 : null,
                TimeToLimitSeconds = verdict == Verdict.Leak ? 7200 : null,
            }));
        }
    }

    [Fact]
    public void Flicker_IsNotLogged_AHeldVerdictIsLoggedOnce()
    {
        Say(Verdict.Insufficient, 50);
        for (int i = 0; i < 20; i++)
        {
            Say(Verdict.Stable);
            Say(Verdict.Sawtooth);
        }

        Assert.Empty(_logger.Entries);

        Say(Verdict.Sawtooth, 100);

        (LogLevel level, _, string message, _) = Assert.Single(_logger.Entries);
        Assert.Equal(LogLevel.Information, level);
        Assert.Equal("rss is sawtooth (because)", message);
    }

    [Fact]
    public void Leak_IsAWarningAtOnce_WithStructuredRate_AndItsEndIsLogged()
    {
        Say(Verdict.Stable, 5);
        Say(Verdict.Leak, 100);
        Say(Verdict.Insufficient, 10);
        Say(Verdict.Plateau, 10);

        Assert.Equal(3, _logger.Entries.Count);
        var leak = _logger.Entries[1];
        Assert.Equal(LogLevel.Warning, leak.Level);
        Assert.StartsWith("Leak in rss: +60 MiB/min [+30 MiB, +120 MiB] (95% CI), time to limit 2h 0m", leak.Message);
        Assert.Contains(leak.State, kv => kv.Key == "SlopePerSecond" && Equals(kv.Value, (double?)(1 << 20)));
        Assert.Equal("rss no longer leaks: now plateau (because)", _logger.Entries[2].Message);
    }
}
