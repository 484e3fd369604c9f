using System.Diagnostics;
using System.Text.Json;

namespace LeakHound.Reporting.Tests;

/// <summary>Runs the real programs these tests need: the leakhound command and the headless-Chromium page driver.</summary>
internal static class Programs
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
    }

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

    /// <summary>The leakhound command built in the same configuration as these tests.</summary>
    public static string Leakhound
    {
        get
        {
            string baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            return Path.Combine(RepoRoot, "src", "LeakHound.Cli", "bin", Path.GetFileName(Path.GetDirectoryName(baseDir)!), Path.GetFileName(baseDir), "leakhound.dll");
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago.</summary>
    public static int FreePort()
    {
        System.Net.Sockets.TcpListener probe = new(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public static Task<Result> LeakhoundAsync(params string[] args) => RunAsync("dotnet", [Leakhound, .. args], 120);

    /// <summary>Opens <paramref name="url"/> in headless Chromium (tests/e2e/render.js) and returns what the page shows.</summary>
    public static async Task<JsonElement> RenderAsync(string url, string? screenshot = null, string? waitFor = null)
    {
        string e2e = Path.Combine(RepoRoot, "tests", "e2e");
        Assert.True(Directory.Exists(Path.Combine(e2e, "node_modules", "playwright-core")),
            "playwright-core is not installed: run 'npm ci' in tests/e2e (.ci/run does), and install Debian's chromium");
        List<string> args = [Path.Combine(e2e, "render.js"), url, screenshot ?? ""];
        if (waitFor is not null)
        {
            args.Add(waitFor);
        }

        Result r = await RunAsync("node", [.. args], 90);
        Assert.True(r.ExitCode == 0, r.ToString());
        return JsonDocument.Parse(r.Stdout).RootElement.Clone();
    }

    public static async Task<Result> RunAsync(string file, string[] args, double timeoutSeconds)
    {
        ProcessStartInfo info = new(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        using Process p = Process.Start(info)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            await p.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutSeconds}s");
        }

        return new Result(p.ExitCode, await stdout, await stderr);
    }
}
