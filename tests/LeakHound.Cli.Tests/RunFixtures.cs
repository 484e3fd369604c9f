namespace LeakHound.Cli.Tests;

/// <summary>Common arguments: fast sampling and a short minimum span, because the fixtures run at 10–100× a real service's pace.</summary>
internal static class RunFixtures
{
    public static readonly string[] Fast = ["--interval", "0.1s", "--min-span", "6s", "--duration", "40s", "--until-verdict", "--format", "json"];

    public static string[] Run(params string[] command) => ["run", .. Fast, "--", .. command];

    public static string[] Node(string script, params string[] args) =>
        Run(["node", "--expose-gc", CliRunner.Fixture(Path.Combine("node", script)), .. args]);

    /// <summary>A C# sample target (samples/LeakHound.Samples) started through the hidden demo-target command.</summary>
    public static string[] Sample(string kind, params string[] args) =>
        Run(["dotnet", CliRunner.Dll, "demo-target", kind, "--max-seconds", "60", .. args]);
}
