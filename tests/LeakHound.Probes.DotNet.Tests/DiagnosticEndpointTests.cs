using System.Diagnostics;
using LeakHound.Probes.DotNet;

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
}
