using System.Text.Json;

namespace LeakHound.Reporting.Tests;

/// <summary>The real programs these tests run: the leakhound command and the headless-Chromium page driver.</summary>
internal static class Programs
{
    /// <summary>The leakhound command built in the same configuration as these tests.</summary>
    public static string Leakhound => Repo.Built("src/LeakHound.Cli", "leakhound.dll");

    public static Task<ProcessResult> LeakhoundAsync(params string[] args) => ChildProcess.RunAsync("dotnet", [Leakhound, .. args], 120);

    /// <summary>Opens <paramref name="url"/> in headless Chromium (tests/e2e/render.js) and returns what the page shows.</summary>
    public static Task<JsonElement> RenderAsync(string url, string? screenshot = null, string? waitFor = null) =>
        BrowserAsync("render.js", [url, screenshot ?? "", .. waitFor is null ? Array.Empty<string>() : [waitFor]]);

    /// <summary>
    /// A page at http://<paramref name="name"/>:<paramref name="port"/>/ whose name Chromium resolves to 127.0.0.1 (DNS
    /// rebinding) fetches <paramref name="path"/> from its own origin (tests/e2e/rebind.js): what it could read.
    /// </summary>
    public static Task<JsonElement> FetchAsRebindingPageAsync(string name, int port, string path) =>
        BrowserAsync("rebind.js", [name, port.ToString(System.Globalization.CultureInfo.InvariantCulture), path]);

    private static async Task<JsonElement> BrowserAsync(string script, string[] arguments)
    {
        string e2e = Path.Combine(Repo.Root, "tests", "e2e");
        Assert.True(Directory.Exists(Path.Combine(e2e, "node_modules", "playwright-core")),
            "playwright-core is not installed: run 'npm ci' in tests/e2e (.ci/run does), and install Debian's chromium");
        ProcessResult r = await ChildProcess.RunAsync("node", [Path.Combine(e2e, script), .. arguments], 90);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }
}
