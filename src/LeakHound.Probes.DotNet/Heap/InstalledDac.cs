using System.Text;

namespace LeakHound.Probes.DotNet.Heap;

/// <summary>
/// Finds, among the .NET runtimes installed on this machine, the DAC (libmscordaccore.so) built with a given runtime.
/// A single-file app has no runtime folder to read it from, and ClrMD's own fallback is a symbol-server download
/// (off on Linux, and no use without internet). A DAC must match its runtime's build exactly: both carry the build's
/// "@(#)Version 10.0.1226.42308" string, which ClrMD reports as <c>ClrInfo.Version</c>.
/// </summary>
internal static class InstalledDac
{
    private static readonly byte[] VersionMarker = Encoding.ASCII.GetBytes("@(#)Version ");

    /// <exception cref="HeapSnapshotException">No installed runtime has that build's DAC.</exception>
    public static string Find(int pid, Version runtime)
    {
        List<string> roots = DotnetRoots().ToList();
        foreach (string root in roots)
        {
            string frameworks = Path.Combine(root, "shared", "Microsoft.NETCore.App");
            if (!Directory.Exists(frameworks))
            {
                continue;
            }

            foreach (string folder in Directory.EnumerateDirectories(frameworks))
            {
                string dac = Path.Combine(folder, "libmscordaccore.so");
                if (File.Exists(dac) && VersionOf(dac) == runtime.ToString())
                {
                    return dac;
                }
            }
        }

        throw new HeapSnapshotException(
            $"PID {pid} carries its own .NET runtime (a single-file app, runtime build {runtime}); reading its heap needs that " +
            $"build's libmscordaccore.so, found under none of {string.Join(", ", roots)}: install .NET {runtime.Major}.{runtime.Minor}.{runtime.Build / 100} " +
            "there or point DOTNET_ROOT at it");
    }

    private static IEnumerable<string> DotnetRoots()
    {
        HashSet<string> seen = new(StringComparer.Ordinal);
        string? home = Environment.GetEnvironmentVariable("HOME");
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("DOTNET_ROOT"),
            "/usr/share/dotnet", "/usr/lib/dotnet", "/usr/local/share/dotnet", "/opt/dotnet",
            home is null ? null : Path.Combine(home, ".dotnet"),
        ];
        foreach (string? c in candidates)
        {
            if (!string.IsNullOrEmpty(c) && seen.Add(c))
            {
                yield return c;
            }
        }
    }

    /// <summary>The build version a runtime binary was stamped with, or null when it has none.</summary>
    internal static string? VersionOf(string library)
    {
        try
        {
            byte[] bytes = File.ReadAllBytes(library);
            int at = bytes.AsSpan().IndexOf(VersionMarker);
            if (at < 0)
            {
                return null;
            }

            int start = at + VersionMarker.Length, end = start;
            while (end < bytes.Length && (char.IsAsciiDigit((char)bytes[end]) || bytes[end] == '.'))
            {
                end++;
            }

            return Encoding.ASCII.GetString(bytes, start, end - start);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
