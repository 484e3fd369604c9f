using System.Diagnostics;

namespace LeakHound.Cli.Tests;

/// <summary>
/// A watcher that is not root, watching another user's process: what it cannot read it says once, and watches the rest.
/// The test drops to <c>nobody</c> with util-linux's setpriv, so it needs root (as .ci/run does).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class UnprivilegedWatchTests
{
    [Fact]
    public async Task AnotherUsersProcess_PssIsNotReadSaidOnce_TheOtherSignalsAreWatched()
    {
        Assert.True(Environment.UserName == "root", "this test drops to the user nobody: run it as root");
        using Process target = Process.Start("sleep", "30");
        string home = Path.Combine(Path.GetTempPath(), $"leakhound-nobody-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, (UnixFileMode)0x1FF); // rwx for nobody
        try
        {
            ProcessStartInfo info = new("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            info.Environment["HOME"] = home;
            foreach (string a in (string[])["--reuid=65534", "--regid=65534", "--clear-groups", "dotnet", CliRunner.Dll,
                         "watch", "--pid", target.Id.ToString(), "--duration", "3s", "--interval", "0.2s", "--no-store", "--format", "json"])
            {
                info.ArgumentList.Add(a);
            }

            ProcessResult r = await ChildProcess.CompleteAsync(Process.Start(info)!, "leakhound watch as nobody", 60);

            Assert.True(r.ExitCode is 0 or 4, r.ToString());
            string notice = $"pss is not read for PID {target.Id} (sleep): /proc/{target.Id}/smaps_rollup is not readable";
            Assert.Equal(1, r.Stderr.Split('\n').Count(l => l.Contains(notice, StringComparison.Ordinal)));
            JsonVerdicts json = JsonVerdicts.Parse(r.Stdout);
            Assert.NotNull(json.Verdict("rss"));
            Assert.NotNull(json.Verdict("threads"));
        }
        finally
        {
            target.Kill();
            Directory.Delete(home, recursive: true);
        }
    }
}
