namespace LeakHound.Cli;

/// <summary>
/// An anticipated error (bad option, bad trace, missing PID): printed as one line without a stack trace and mapped
/// to <see cref="Code"/>. Unexpected exceptions are not wrapped and keep their stack traces.
/// </summary>
internal sealed class LeakHoundException(string message, ExitCode code = ExitCode.Usage) : Exception(message)
{
    public ExitCode Code { get; } = code;
}
