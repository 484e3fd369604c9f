using System.Globalization;

namespace LeakHound.Probes.Go;

/// <summary>
/// Finds a process's <c>net/http/pprof</c> among the TCP ports it listens on: its sockets' inodes (from its
/// descriptors) matched to the listening entries of <c>/proc/PID/net/tcp</c> and <c>tcp6</c>, each port then asked for
/// a goroutine dump on the loopback address.
/// </summary>
public static class PprofDiscovery
{
    private const string Listen = "0A";

    /// <summary>The ports the process listens on (empty when its descriptors cannot be read).</summary>
    public static IReadOnlyList<int> ListeningPorts(int pid, string procRoot = "/proc")
    {
        HashSet<string> inodes = new(StringComparer.Ordinal);
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "fd")))
            {
                if (new FileInfo(fd).LinkTarget is { } target && target.StartsWith("socket:[", StringComparison.Ordinal))
                {
                    inodes.Add(target["socket:[".Length..^1]);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        SortedSet<int> ports = [];
        foreach (string table in new[] { "tcp", "tcp6" })
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture), "net", table)).Skip(1))
                {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length > 9 && f[3] == Listen && inodes.Contains(f[9]) && f[1].LastIndexOf(':') is > 0 and int colon
                        && int.TryParse(f[1][(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int port))
                    {
                        ports.Add(port);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no such table
            }
        }

        return [.. ports];
    }

    /// <summary>The pprof base URL of the first listening port that answers with a goroutine dump, or null.</summary>
    public static async Task<Uri?> FindAsync(int pid, TimeSpan timeoutPerPort, CancellationToken cancel)
    {
        foreach (int port in ListeningPorts(pid))
        {
            Uri url = new($"http://127.0.0.1:{port}/debug/pprof/");
            using PprofEndpoint endpoint = new(url, timeoutPerPort);
            try
            {
                await endpoint.GoroutinesAsync(cancel);
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
