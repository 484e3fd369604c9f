using LeakHound.Probes.Proc;

namespace LeakHound.Probes.Go;

/// <summary>
/// Finds a process's <c>net/http/pprof</c> among the TCP ports it listens on: its sockets' inodes (from its
/// descriptors) matched to the listening entries of <c>/proc/PID/net/tcp</c> and <c>tcp6</c>, each port then asked for
/// its goroutine profile on the loopback address.
/// </summary>
public static class PprofDiscovery
{
    /// <summary>The pprof base URL of the first listening port that answers with the goroutine profile, or null.</summary>
    public static async Task<Uri?> FindAsync(int pid, TimeSpan timeoutPerPort, CancellationToken cancel)
    {
        foreach (int port in ListeningPorts.Of(pid))
        {
            Uri url = new($"http://127.0.0.1:{port}/debug/pprof/");
            using PprofEndpoint endpoint = new(url, timeoutPerPort);
            try
            {
                await endpoint.GoroutineCountsAsync(cancel);
                return url;
            }
            catch (PprofException)
            {
                // not this port
            }
        }

        return null;
    }
}
