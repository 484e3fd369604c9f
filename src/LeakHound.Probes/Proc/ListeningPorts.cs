using System.Globalization;

namespace LeakHound.Probes.Proc;

/// <summary>
/// The TCP ports a process listens on: its sockets' inodes (from its descriptors) matched to the listening entries of
/// <c>/proc/PID/net/tcp</c> and <c>tcp6</c> (the tables of the process's own network namespace). How a Go program's
/// pprof and a Node inspector are found on the process itself, not on whichever process holds a well-known port.
/// </summary>
public static class ListeningPorts
{
    private const string Listen = "0A";

    /// <summary>The ports the process listens on (empty when its descriptors cannot be read).</summary>
    public static IReadOnlyList<int> Of(int pid, string procRoot = "/proc")
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

    /// <summary>
    /// The processes (in this network namespace) that listen on a TCP port: who holds the port another process wanted.
    /// Reads every process's descriptors, so only for an error message.
    /// </summary>
    public static IReadOnlyList<int> Holders(int port, string procRoot = "/proc")
    {
        HashSet<string> inodes = new(StringComparer.Ordinal);
        foreach (string table in new[] { "tcp", "tcp6" })
        {
            try
            {
                foreach (string line in File.ReadLines(Path.Combine(procRoot, "net", table)).Skip(1))
                {
                    string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (f.Length > 9 && f[3] == Listen && f[1].LastIndexOf(':') is > 0 and int colon
                        && int.TryParse(f[1][(colon + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int p) && p == port)
                    {
                        inodes.Add(f[9]);
                    }
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no such table
            }
        }

        List<int> holders = [];
        if (inodes.Count == 0)
        {
            return holders;
        }

        foreach (string dir in Directory.EnumerateDirectories(procRoot))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(dir, "fd")).Any(fd => new FileInfo(fd).LinkTarget is { } t
                    && t.StartsWith("socket:[", StringComparison.Ordinal) && inodes.Contains(t["socket:[".Length..^1])))
                {
                    holders.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // gone, or not ours to read
            }
        }

        return holders;
    }
}
