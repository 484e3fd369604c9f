using System.Diagnostics;
using System.Globalization;
using LeakHound.Probes.DotNet;
using LeakHound.Probes.Proc;

namespace LeakHound.Probes.DotNet.Tests;

public class DiagnosticEndpointTests
{
    [Fact]
    public void ThisTestHost_PublishesItsSocket_ASleep_DoesNot()
    {
        Assert.True(DiagnosticEndpoint.Exists(Environment.ProcessId)); // a .NET process with diagnostics enabled

        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        try
        {
            Assert.False(DiagnosticEndpoint.Exists(sleep.Id));
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public void NoSuchProcess_IsNotPublished() => Assert.False(DiagnosticEndpoint.Exists(int.MaxValue));

    [Fact]
    public void AStaleSocketLeftUnderTheSamePid_DoesNotMakeANonDotNetProcessDotNet()
    {
        // A killed runtime leaves dotnet-diagnostic-{pid}-{its start time}-socket; the PID then goes to, say, Node.
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        string dir = Directory.CreateTempSubdirectory("leakhound-endpoint-").FullName;
        try
        {
            ProcessIdentity live = ProcessIdentity.Of(sleep.Id)!.Value;
            string Socket(ulong key) => Path.Combine(
                dir, string.Create(CultureInfo.InvariantCulture, $"dotnet-diagnostic-{live.Pid}-{key}-socket"));

            File.WriteAllText(Socket(live.StartTicks - 1), "");
            Assert.False(DiagnosticEndpoint.Exists(live, [dir]));

            File.WriteAllText(Socket(live.StartTicks), ""); // the live process's own key
            Assert.True(DiagnosticEndpoint.Exists(live, [dir]));
        }
        finally
        {
            sleep.Kill();
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void AStaleSocketInTheRealTempDirectory_IsIgnoredForALiveSleep()
    {
        using Process sleep = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        string stale = Path.Combine(
            Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"dotnet-diagnostic-{sleep.Id}-1-socket"));
        try
        {
            File.WriteAllText(stale, "");
            Assert.False(DiagnosticEndpoint.Exists(sleep.Id));
        }
        finally
        {
            sleep.Kill();
            File.Delete(stale);
        }
    }
}
