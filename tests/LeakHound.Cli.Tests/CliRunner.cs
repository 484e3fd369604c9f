using System.Diagnostics;
using System.Text;

namespace LeakHound.Cli.Tests;

/// <summary>Runs the real leakhound program as a child process, the way a user or CI would.</summary>
internal static class CliRunner
{
    public static string Dll => typeof(ExitCode).Assembly.Location;

    /// <summary>Where the default watch history of the tests' leakhound runs goes.</summary>
    public static readonly string TestDataHome = Path.Combine(Path.GetTempPath(), "leakhound-tests-data");

    public static string Fixture(string name) => Path.Combine(Repo.Root, "tests", "fixtures", name);

    public static Process Start(params string[] args) => Start(TestDataHome, args);

    /// <summary>Starts leakhound with <paramref name="dataHome"/> as $XDG_DATA_HOME (where its default watch history goes).</summary>
    public static Process Start(string dataHome, string[] args)
    {
        ProcessStartInfo info = new("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Dll);
        info.Environment["XDG_DATA_HOME"] = dataHome; // the default watch history of these tests, not the user's
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info)!;
    }

    /// <summary>Runs to completion (killed after <paramref name="timeoutSeconds"/>, which fails the test).</summary>
    public static Task<ProcessResult> RunAsync(string[] args, double timeoutSeconds = 120, string? stdin = null) =>
        ChildProcess.CompleteAsync(Start(args), $"leakhound {string.Join(' ', args)}", timeoutSeconds, stdin);

    public static Task<ProcessResult> RunAsync(params string[] args) => RunAsync(args, 120);

    /// <summary>Runs to completion with its default watch history under <paramref name="dataHome"/>.</summary>
    public static Task<ProcessResult> RunInDataHomeAsync(string dataHome, params string[] args) =>
        ChildProcess.CompleteAsync(Start(dataHome, args), $"leakhound {string.Join(' ', args)}", 60);

    /// <summary>Writes a temporary file and returns its path.</summary>
    public static string TempFile(string content, string extension = ".csv")
    {
        string path = Path.Combine(Path.GetTempPath(), $"leakhound-test-{Guid.NewGuid():N}{extension}");
        File.WriteAllText(path, content, Encoding.UTF8);
        return path;
    }
}
