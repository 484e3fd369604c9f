using LeakHound.Core.Text;

namespace LeakHound.Probes.Prometheus;

/// <summary>A /metrics page that does not follow the exposition format; the message (one short line) names the line.</summary>
public sealed class ExpositionFormatException(string message) : Exception(OneLine.Of(message));
