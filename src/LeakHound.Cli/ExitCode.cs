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

    /// <summary>Interrupted (Ctrl-C, SIGINT, SIGTERM) before the watch found a leak: 128 + SIGINT, as shells report it.</summary>
    Interrupted = 130,
}
