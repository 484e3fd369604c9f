using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Bench.Twins;

/// <summary>Runs the built leakhound command as a user would.</summary>
internal static class CliProcess
{
    public static string Leakhound => Repo.Built("src/LeakHound.Cli", "leakhound.dll");

    public static string Fixture(string name) => Path.Combine(Repo.Root, "tests", "fixtures", "node", name);

    /// <summary>Runs leakhound with a JSON result; returns the document and the wall time.</summary>
    public static (JsonDocument Json, double Seconds) Run(IEnumerable<string> args, double timeoutSeconds = 180)
    {
        Stopwatch clock = Stopwatch.StartNew();
        ProcessResult r = ChildProcess.RunAsync("dotnet", [Leakhound, .. args], timeoutSeconds).GetAwaiter().GetResult();
        try
        {
            return (JsonDocument.Parse(r.Stdout), clock.Elapsed.TotalSeconds);
        }
        catch (JsonException)
        {
            throw new InvalidOperationException($"leakhound exited {r.ExitCode} without JSON: {r.Stderr}");
        }
    }
}
