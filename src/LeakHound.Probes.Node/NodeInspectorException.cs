namespace LeakHound.Probes.Node;

/// <summary>The inspector of a Node.js process could not be reached or failed: one line that says why and what to do.</summary>
public sealed class NodeInspectorException(string message) : Exception(message);
