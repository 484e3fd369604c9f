namespace LeakHound.Cli;

/// <summary>Process exit codes, as documented in the README.</summary>
internal enum ExitCode
{
    NoLeak = 0,
    Leak = 1,
    Usage = 2,
    Target = 3,

    /// <summary><c>soak</c> and <c>compare</c>: no leak, but the evidence could not bound the growth of every resource signal.</summary>
    Inconclusive = 4,
}
