using LeakHound.Core.Text;

namespace LeakHound.Core.Traces;

/// <summary>A trace file that cannot be read: the message (one short line) names the line and what is wrong with it.</summary>
public sealed class TraceFormatException(string message) : Exception(OneLine.Of(message));
