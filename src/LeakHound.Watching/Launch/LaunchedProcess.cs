using System.ComponentModel;
using System.Diagnostics;
using LeakHound.Probes.Proc;

namespace LeakHound.Watching.Launch;

/// <summary>A command LeakHound started: output passed through (or to a log), stopped with SIGTERM then SIGKILL.</summary>
public sealed class LaunchedProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<Task> _pumps = [];
    private readonly Stream? _log;
    private bool _disposed;
    private int? _exitCode;
    private Task? _exited;
    private Process? _guard;

    private LaunchedProcess(Process process, Stream? log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    /// <summary>Every process of the launch, daemons included: what the watch follows and what a stop ends.</summary>
    public LaunchedTree Tree { get; private init; } = null!;

    /// <summary>The command and its arguments as launched, quoted as a shell would need them.</summary>
    public string CommandLine { get; private init; } = "";

    /// <summary>Arguments joined by spaces; one with spaces or quotes is single-quoted (so the line reads back unambiguously).</summary>
    public static string Quote(IEnumerable<string> argv) => string.Join(' ', argv.Select(a =>
        a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));

    public bool HasExited => _disposed || _process.HasExited;

    public int? ExitCode => !_disposed && _process.HasExited ? _process.ExitCode : _exitCode;

    /// <summary>
    /// Completes when the process exits (the engine reads the target at once, not at the next interval). One task for
    /// the process's life: a new wait every round would pile up until the process ends.
    /// </summary>
    public Task ExitedTask => _disposed ? Task.CompletedTask : _exited ??= _process.WaitForExitAsync();

    /// <summary>How the process ended, in words (null while it runs): its exit code, or the signal that killed it.</summary>
    public string? ExitDescription => ExitCode is { } code ? Describe(code) : null;

    /// <summary>
    /// .NET reports a process killed by a signal as 128 + the signal. SIGKILL is what the kernel's OOM killer sends, so
    /// a SIGKILL the watch did not send is worth checking in <c>dmesg</c>.
    /// </summary>
    public static string Describe(int exitCode) => exitCode switch
    {
        128 + 9 => "killed by SIGKILL (status 137): the kernel's OOM killer sends SIGKILL — check `dmesg` for \"Out of memory\" — as does `kill -9`",
        > 128 and < 128 + 65 => $"killed by signal {exitCode - 128} ({SignalName(exitCode - 128)}, status {exitCode})",
        _ => $"exited with code {exitCode}",
    };

    private static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => "signal " + signal,
    };

    /// <summary>Starts the command directly (no shell).</summary>
    /// <param name="command">Program and arguments.</param>
    /// <param name="stdoutToStderr">Send the target's stdout to our stderr, keeping our stdout for JSON.</param>
    /// <param name="logPath">Send both of the target's streams to this file instead.</param>
    /// <param name="environment">Extra environment variables.</param>
    /// <exception cref="WatchException">The command cannot be started (target failed), or its log cannot be written.</exception>
    public static LaunchedProcess Start(IReadOnlyList<string> command, bool stdoutToStderr, string? logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo info = new(command[0]) { UseShellExecute = false };
        foreach (string arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        string marker = LaunchedTree.NewMarker();
        info.Environment[LaunchedTree.MarkerVariable] = marker;

        Stream? log = null;
        if (logPath is not null)
        {
            try
            {
                log = new FileStream(logPath, FileMode.Create, FileAccess.Write, FileShare.Read);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new WatchException($"cannot write the target log '{logPath}': {e.Message}");
            }

            info.RedirectStandardOutput = true;
            info.RedirectStandardError = true;
        }
        else if (stdoutToStderr)
        {
            info.RedirectStandardOutput = true;
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new WatchException($"cannot start '{command[0]}'", targetFailed: true);
        }
        catch (Win32Exception e)
        {
            log?.Dispose();
            throw new WatchException($"cannot start '{command[0]}': {e.Message}", targetFailed: true);
        }

        LaunchedProcess launched = new(process, log) { CommandLine = Quote(command), Tree = new LaunchedTree(process.Id, marker) };
        launched._guard = StartGuard(marker);
        if (log is not null)
        {
            launched._pumps.Add(Pump(process.StandardOutput.BaseStream, log));
            launched._pumps.Add(Pump(process.StandardError.BaseStream, log));
        }
        else if (stdoutToStderr)
        {
            launched._pumps.Add(Pump(process.StandardOutput.BaseStream, Console.OpenStandardError()));
        }

        return launched;
    }

    private static Task Pump(Stream from, Stream to) => Task.Run(async () =>
    {
        byte[] buffer = new byte[16 * 1024];
        int n;
        try
        {
            while ((n = await from.ReadAsync(buffer)) > 0)
            {
                lock (to)
                {
                    to.Write(buffer, 0, n);
                    to.Flush();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // the target or the log went away; nothing more to copy
        }
    });

    /// <summary>
    /// Stops the whole launched tree — the command, its descendants and the daemons it left behind: SIGTERM to each,
    /// up to <paramref name="grace"/> for all to end, then SIGKILL to what is left (signalled by PID and start time,
    /// never a PID that has been reused).
    /// </summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_disposed)
        {
            return; // already stopped and released by its owner
        }

        IReadOnlyList<ProcessIdentity> members = Tree.Members();
        foreach (ProcessIdentity member in members)
        {
            _ = member.Signal(ProcessSignals.SigTerm);
        }

        System.Diagnostics.Stopwatch waited = System.Diagnostics.Stopwatch.StartNew();
        while ((members = Tree.Members()).Count > 0 && waited.Elapsed < grace)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        foreach (ProcessIdentity member in members)
        {
            _ = member.Signal(ProcessSignals.SigKill); // what ignored SIGTERM, or started during the grace
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _ = Tree.AdoptedOrphans(); // reaps the orphans just killed
        StopGuard();

        using CancellationTokenSource drain = new(TimeSpan.FromSeconds(2));
        try
        {
            await Task.WhenAll(_pumps).WaitAsync(drain.Token);
        }
        catch (OperationCanceledException)
        {
            // a grandchild still holds the pipe open; do not wait for it
        }
    }

    /// <summary>
    /// The launched tree dies with the watcher, even a SIGKILLed one: a small shell started with the launch waits for
    /// the watcher's PID to end (GNU <c>tail --pid</c>, else a one-second <c>kill -0</c> loop) and then SIGKILLs every
    /// process that carries this launch's marker. (PR_SET_PDEATHSIG cannot be used: .NET forks from a pool thread,
    /// and the signal follows the forking thread's exit, not the process's.) The shell carries no marker itself.
    /// </summary>
    private static Process? StartGuard(string marker)
    {
        const string script = """
            tail -s 0.5 --pid="$1" -f /dev/null 2>/dev/null || while kill -0 "$1" 2>/dev/null; do sleep 1; done
            for pass in 1 2; do
              for f in $(grep -lzx "$2=$3" /proc/[0-9]*/environ 2>/dev/null); do p=${f#/proc/}; kill -KILL "${p%/environ}" 2>/dev/null; done
            done
            """;
        ProcessStartInfo info = new("/bin/sh")
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (string arg in (string[])["-c", script, "leakhound-guard", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), LaunchedTree.MarkerVariable, marker])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Remove(LaunchedTree.MarkerVariable);
        try
        {
            return Process.Start(info);
        }
        catch (Win32Exception)
        {
            return null; // no /bin/sh: the tree is still stopped at every ordinary end of the watch
        }
    }

    private void StopGuard()
    {
        try
        {
            _guard?.Kill(entireProcessTree: true); // the shell and the tail it waits in
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _guard?.Dispose();
        _guard = null;
    }

    public void Dispose()
    {
        if (!_disposed && _process.HasExited)
        {
            _exitCode = _process.ExitCode;
        }

        StopGuard();

        _disposed = true;
        _process.Dispose();
        _log?.Dispose();
    }
}
