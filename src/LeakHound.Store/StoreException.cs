namespace LeakHound.Store;

/// <summary>The watch history cannot be used as it is: damaged, or not a watch history at all. Nothing is written to it.</summary>
/// <remarks>One short line, whatever SQLite's own report of the damage says.</remarks>
public sealed class StoreException(string message, Exception? inner = null) : IOException(LeakHound.Core.Text.OneLine.Of(message), inner);
