namespace LeakHound.Probes.Proc;

/// <summary>One process's signals at one moment. Null where the kernel did not tell (e.g. PSS not readable).</summary>
public sealed record ProcessSample(
    int Pid,
    string Name,
    double RssBytes,
    double? AnonBytes,
    double? SwapBytes,
    double? PssBytes,
    double Threads,
    double? OpenFds);
