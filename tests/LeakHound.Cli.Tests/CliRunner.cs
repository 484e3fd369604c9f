using System.Diagnostics;
using System.Text;

namespace LeakHound.Cli.Tests;

/// <summary>Runs the real leakhound program as a child process, the way a user or CI would.</summary>
internal static class CliRunner
{
    public static string Dll => typeof(ExitCode).Assembly.Location;

    public static string RepoRoot
    {
        get
        {
            string dir = AppContext.BaseDirectory;
            while (!File.Exists(Path.Combine(dir, "LeakHound.sln")))
            {
                dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
            }

            return dir;
        }
    }

    /// <summary>Where the default watch history of the tests' leakhound runs goes.</summary>
    public static readonly string TestDataHome = Path.Combine(Path.GetTempPath(), "leakhound-tests-data");

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", name);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago, for a fixture server to listen on.</summary>
    public static int FreePort()
    {
        System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

    public static Process Start(params string[] args)
    {
        ProcessStartInfo info = new("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        info.Environment["XDG_DATA_HOME"] = TestDataHome; // the default watch history of these tests, not the user's
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    /// <summary>Runs to completion (killed after <paramref name="timeoutSeconds"/>, which fails the test).</summary>
    public static Task<Result> RunAsync(string[] args, double timeoutSeconds = 120, string? stdin = null) =>
        CompleteAsync(Start(args), $"leakhound {string.Join(' ', args)}", timeoutSeconds, stdin);

    /// <summary>Runs another program the tests need (promtool, …) to completion, the same way.</summary>
    public static Task<Result> RunProgramAsync(string file, string[] args, double timeoutSeconds = 120)
    {
        ProcessStartInfo info = new(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return CompleteAsync(Process.Start(info)!, $"{file} {string.Join(' ', args)}", timeoutSeconds, stdin: null);
    }

    private static async Task<Result> CompleteAsync(Process started, string description, double timeoutSeconds, string? stdin)
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

        return new Result(p.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(args, 120);

    /// <summary>Writes a temporary file and returns its path.</summary>
    public static string TempFile(string content, string extension = ".csv")
    {
        string path = Path.Combine(Path.GetTempPath(), $"leakhound-test-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content, Encoding.UTF8);
        return path;
    }
}
