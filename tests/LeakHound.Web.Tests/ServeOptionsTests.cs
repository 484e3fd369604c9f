using System.Diagnostics;
using System.Net;

namespace LeakHound.Web.Tests;

/// <summary><c>leakhound run --serve</c>: where the token comes from, and addresses that cannot be served.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ServeOptionsTests
{
    private const string Token = "f00dfeedf00dfeedf00d";

    [Theory]
    [InlineData("file")]
    [InlineData("environment")]
    public async Task Token_FromAPrivateFileOrTheEnvironment_GuardsTheDashboard(string source)
    {
        int port = Repo.FreePort();
        string file = Path.Combine(Directory.CreateTempSubdirectory("leakhound-token-").FullName, "token");
        File.WriteAllText(file, Token + "\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        ProcessStartInfo info = new("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        string[] tokenArgs = source == "file" ? ["--token-file", file] : [];
        if (source == "environment")
        {
            info.Environment["LEAKHOUND_TOKEN"] = Token;
        }

        foreach (string a in (string[])[Programs.Leakhound, "run", "--interval", "0.2s", "--duration", "20s", "--no-store", "--serve", $"127.0.0.1:{port}", .. tokenArgs, "--", "sleep", "30"])
        {
            info.ArgumentList.Add(a);
        }

        using Process watch = Process.Start(info)!;
        try
        {
            string? line;
            do
            {
                line = await watch.StandardError.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            while (line is not null && !line.Contains("dashboard at", StringComparison.Ordinal));

            Assert.NotNull(line);
            using HttpClient http = new() { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("/api/targets")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"/api/targets?token={Token}")).StatusCode);
            Assert.DoesNotContain(Token, line); // the token is never printed
        }
        finally
        {
            watch.Kill(entireProcessTree: true);
            await watch.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task TokenFile_ReadableByOthers_ExitsTwo()
    {
        string file = Path.Combine(Directory.CreateTempSubdirectory("leakhound-token-").FullName, "token");
        File.WriteAllText(file, Token);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        ProcessResult r = await Programs.LeakhoundAsync("run", "--serve", "0.0.0.0:0", "--token-file", file, "--duration", "1s", "--", "sleep", "3");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal($"leakhound: --token-file: '{file}' can be read by other users; make it private first: chmod 600 {file}", r.Stderr.Trim());
    }

    [Theory]
    [InlineData("--token", "s3cret", "use at least 16")]
    [InlineData("--serve", "[::ffff:10.0.0.1]:0", "is reachable from other machines")]
    [InlineData("--serve", "[::ffff:127.0.0.1]:http", "is not ADDR:PORT")]
    public async Task BadServeSettings_AreOneLine_ExitTwo(string option, string value, string said)
    {
        string[] args = option == "--token" ? ["--serve", "0.0.0.0:0", "--token", value] : ["--serve", value];
        ProcessResult r = await Programs.LeakhoundAsync(["run", .. args, "--duration", "1s", "--no-store", "--", "sleep", "3"]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains(said, r.Stderr);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task IPv4MappedLoopback_Serves()
    {
        int port = Repo.FreePort();
        ProcessResult r = await Programs.LeakhoundAsync("run", "--serve", $"[::ffff:127.0.0.1]:{port}", "--duration", "1s", "--no-store", "--", "sleep", "3");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains($"dashboard at http://127.0.0.1:{port}/", r.Stderr);
    }
}
