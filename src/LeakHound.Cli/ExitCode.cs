namespace LeakHound.Cli;

/// <summary>Process exit codes, as documented in the README.</summary>
public enum ExitCode
{
    NoLeak = 0,
    Leak = 1,
    Usage = 2,
    Target = 3,
}
