using System.Globalization;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.DotNet;

/// <summary>Whether a process publishes the .NET runtime's diagnostic IPC socket, found for that one process.</summary>
/// <remarks>
/// <c>DiagnosticsClient.GetPublishedProcesses()</c> answers for every process at once: it reads the status and the
/// environment of every process on the machine (24 ms with 1,000 processes here), so asking it once per target made
/// 500 targets cost a minute of CPU. The runtime names its socket <c>dotnet-diagnostic-{pid}-{key}-socket</c> in its
/// temporary directory, the key being its own start time (field 22 of <c>/proc/PID/stat</c>); the client looks in
/// ours, and in the target's own root for a process in another container. A runtime that is killed leaves its socket
/// behind, so a PID handed out again to a Node or Go process would look like .NET by name alone: only a socket whose
/// key is the live process's start time counts.
/// </remarks>
public static class DiagnosticEndpoint
{
    public static bool Exists(int pid) =>
        ProcessIdentity.Of(pid) is { } process && Exists(process, [Path.GetTempPath(), $"/proc/{pid}/root/tmp"]);

    /// <summary>Whether one of <paramref name="directories"/> holds the socket of exactly this process.</summary>
    public static bool Exists(ProcessIdentity process, IEnumerable<string> directories)
    {
        string name = string.Create(
            CultureInfo.InvariantCulture, $"dotnet-diagnostic-{process.Pid}-{process.StartTicks}-socket");
        // File.Exists answers false, never throws, for a directory we may not look into.
        return directories.Any(dir => File.Exists(Path.Combine(dir, name)));
    }
}
