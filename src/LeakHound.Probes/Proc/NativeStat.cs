using System.Runtime.InteropServices;

namespace LeakHound.Probes.Proc;

/// <summary>
/// stat(2) for one field: on Linux ≥ 6.2, st_size of /proc/PID/fd is the number of open descriptors — one syscall
/// instead of listing the folder (≈5 µs vs ≈240 µs). .NET exposes no st_size for directories, hence the P/Invoke.
/// </summary>
internal static partial class NativeStat
{
    // st_size sits at byte 48 of struct stat on both x86-64 and arm64 glibc.
    private const int SizeOffset = 48;

    public static bool IsSupported { get; } =
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>st_size of the path, or null when the call fails (gone, no permission).</summary>
    public static unsafe long? Size(string path)
    {
        byte* buffer = stackalloc byte[256];
        return Stat(path, buffer) == 0 ? *(long*)(buffer + SizeOffset) : null;
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static unsafe partial int Stat(string path, byte* buffer);
}
