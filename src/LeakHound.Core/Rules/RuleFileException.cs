using LeakHound.Core.Text;

namespace LeakHound.Core.Rules;

/// <summary>A mistake in a rules file, with the line it is on (the reason one short line, whatever the file quotes).</summary>
public sealed class RuleFileException(int line, string reason) : Exception($"line {line}: {OneLine.Of(reason)}")
{
    public int Line { get; } = line;

    public string Reason { get; } = OneLine.Of(reason);
}
