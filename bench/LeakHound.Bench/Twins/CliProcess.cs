using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Bench.Twins;

/// <summary>Runs the built leakhound command (and finds the built sample service) as a user would.</summary>
internal static class CliProcess
{
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

    /// <summary>bin/&lt;Configuration&gt;/&lt;framework&gt; of this benchmark, applied to another project.</summary>
    public static string Built(string project, string dll)
    {
        string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
        return Path.Combine(RepoRoot, project, "bin", Path.GetFileName(Path.GetDirectoryName(baseDir)!), Path.GetFileName(baseDir), dll);
    }

    public static string Leakhound => Built("src/LeakHound.Cli", "leakhound.dll");

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", "node", name);

    /// <summary>Runs leakhound with a JSON result; returns the document and the wall time.</summary>
    public static (JsonDocument Json, double Seconds) Run(IEnumerable<string> args, double timeoutSeconds = 180)
    {
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Leakhound);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        Stopwatch clock = Stopwatch.StartNew();
        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromSeconds(timeoutSeconds)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"leakhound {string.Join(' ', args)} did not finish in {timeoutSeconds}s");
        }

        try
        {
            return (JsonDocument.Parse(stdout.Result), clock.Elapsed.TotalSeconds);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"leakhound exited {p.ExitCode} without JSON: {stderr.Result}");
        }
    }
}
