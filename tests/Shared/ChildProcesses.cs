using System.Diagnostics;

namespace LeakHound.TestSupport;

// Linked as source into every test project and the benchmark (they share no assembly): the repository's paths, free
// loopback ports and child processes run to completion with a time limit.

/// <summary>Where things are in the repository checkout the tests run from.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// A file built by another project of the repository in the same configuration and framework as the calling
    /// assembly (which sits in its own bin/&lt;Configuration&gt;/&lt;framework&gt;).
    /// </summary>
    public static string Built(string project, string file)
    {
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(Root, project, "bin", Path.GetFileName(Path.GetDirectoryName(baseDir)!), Path.GetFileName(baseDir), file);
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago, for a server to listen on.</summary>
    public static int FreePort()
    {
        System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static string FindRoot()
    {
        string dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "LeakHound.sln")))
        {
            dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found (run from inside the checkout)");
        }

        return dir;
    }
}

/// <summary>How a child process ended and what it printed.</summary>
internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>Runs programs to completion; one that outlives its time limit is killed with its children and throws.</summary>
internal static class ChildProcess
{
    public static Task<ProcessResult> RunAsync(string file, IEnumerable<string> args, double timeoutSeconds = 120)
    {
        string[] list = [.. args];
        ProcessStartInfo info = new(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in list)
        {
            info.ArgumentList.Add(a);
        }

        return CompleteAsync(Process.Start(info)!, $"{file} {string.Join(' ', list)}", timeoutSeconds);
    }

    /// <summary>Waits for a process started with redirected stdin, stdout and stderr, after writing <paramref name="stdin"/> to it.</summary>
    public static async Task<ProcessResult> CompleteAsync(Process started, string description, double timeoutSeconds, string? stdin = null)
    {
        using Process p = started;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
        }

        p.StandardInput.Close();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{description} did not finish in {timeoutSeconds}s");
        }

        return new ProcessResult(p.ExitCode, await stdout, await stderr);
    }
}
