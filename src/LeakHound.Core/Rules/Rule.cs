namespace LeakHound.Core.Rules;

/// <summary>A collection rule in the spirit of dotnet-monitor's: when <see cref="Trigger"/> holds, run <see cref="Actions"/>, then rest for <see cref="CooldownSeconds"/>.</summary>
public sealed record Rule(string Name, Trigger Trigger, IReadOnlyList<RuleAction> Actions, double CooldownSeconds);

/// <summary>What fires a rule, on every series whose name matches <see cref="SeriesPattern"/> (* matches any text).</summary>
public abstract record Trigger(string SeriesPattern)
{
    public bool Matches(string series) => Series.SeriesPattern.Matches(SeriesPattern, series);
}

/// <summary>The verdict changes to this one (an edge: a series that stays leaking fires once).</summary>
public sealed record VerdictBecomes(string SeriesPattern, Verdicts.Verdict Verdict) : Trigger(SeriesPattern);

/// <summary>While leaking, the projected time to the limit is below this.</summary>
public sealed record TimeToLimitBelow(string SeriesPattern, double Seconds) : Trigger(SeriesPattern);

/// <summary>The latest value is above this (bytes for memory series, a count otherwise).</summary>
public sealed record ValueAbove(string SeriesPattern, double Threshold) : Trigger(SeriesPattern);

public abstract record RuleAction;

/// <summary>POST the event as JSON to this URL.</summary>
public sealed record WebhookAction(Uri Url) : RuleAction;

/// <summary>Run this program with these arguments, as given: never through a shell.</summary>
public sealed record CommandAction(IReadOnlyList<string> Arguments) : RuleAction;

/// <summary>Take a heap diff of the .NET target (which types grow).</summary>
public sealed record HeapDiffAction : RuleAction;

/// <summary>Say what grows in the target by its runtime: a .NET heap diff, a Go program's goroutines and heap (its --pprof-url).</summary>
public sealed record ExplainAction : RuleAction;

/// <summary>Stop the target.</summary>
public sealed record StopAction : RuleAction;
