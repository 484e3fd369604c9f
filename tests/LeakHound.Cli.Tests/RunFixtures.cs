namespace LeakHound.Cli.Tests;

/// <summary>Common arguments: fast sampling and a short minimum span, because the fixtures run at 10–100× a real service's pace.</summary>
internal static class RunFixtures
{
    /// <remarks>
    /// These tests are about /proc signals: runtime counters (tested in RuntimeCountersTests) stay off, or a young .NET
    /// target's growing GC heap would end an --until-verdict watch before the signal under test is judged.
    /// </remarks>
    public static readonly string[] Fast = ["--interval", "0.1s", "--min-span", "6s", "--duration", "40s", "--until-verdict", "--format", "json", "--no-runtime-counters"];

    /// <summary>
    /// For healthy twins: a runtime's own start-up (JIT, heap growth) lasts seconds, which at a 6 s span could pass for a
    /// leak. Real services use the 5-minute default for the same reason. A healthy verdict must bound the growth under the
    /// negligible one, and 40 s of a fixture bound nothing at the real-time 1%/h: the bar is scaled to the fixtures' pace.
    /// </summary>
    public static readonly string[] Patient = ["--interval", "0.1s", "--min-span", "12s", "--duration", "40s", "--until-verdict", "--format", "json", "--no-runtime-counters",
        "--negligible", "100%/min", "--horizon", "1h"];

    public static string[] Run(params string[] command) => ["run", .. Fast, "--", .. command];

    public static string[] Healthy(string[] fastRun) => ["run", .. Patient, .. fastRun.SkipWhile(a => a != "--")];

    public static string[] Node(string script, params string[] args) =>
        Run(["node", "--expose-gc", CliRunner.Fixture(Path.Combine("node", script)), .. args]);

    /// <summary>A C# sample target (src/LeakHound.Cli/Demo) started through the hidden demo-target command.</summary>
    public static string[] Sample(string kind, params string[] args) =>
        Run(["dotnet", CliRunner.Dll, "demo-target", kind, "--max-seconds", "60", .. args]);
}
