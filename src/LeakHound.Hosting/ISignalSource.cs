namespace LeakHound.Hosting;

/// <summary>Where the monitor's readings come from: the seam between the monitor and the process it lives in.</summary>
internal interface ISignalSource : IDisposable
{
    /// <summary>Appends the current value of every signal it can read; a signal it cannot read is left out.</summary>
    void Read(List<KeyValuePair<string, double>> into);
}
