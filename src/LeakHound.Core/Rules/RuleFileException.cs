namespace LeakHound.Core.Rules;

/// <summary>A mistake in a rules file, with the line it is on.</summary>
public sealed class RuleFileException(int line, string reason) : Exception($"line {line}: {reason}")
{
    public int Line { get; } = line;

    public string Reason { get; } = reason;
}
