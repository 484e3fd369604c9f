namespace LeakHound.Cli.Tests;

/// <summary>A real tmpfs of a given size mounted in the temp folder for one test (mounting needs root, as the CI runs).</summary>
internal sealed class Tmpfs : IAsyncDisposable
{
    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public static async Task<Tmpfs> MountAsync(string size)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"leakhound-tmpfs-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        ProcessResult mounted = await ChildProcess.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path]);
        Assert.True(mounted.ExitCode == 0, $"this test needs to mount a tmpfs (root): {mounted}");
        return new Tmpfs(path);
    }

    /// <summary>Remounts it read-only, as a file system that went read-only or a read-only container image.</summary>
    public async Task MakeReadOnlyAsync()
    {
        ProcessResult remounted = await ChildProcess.RunAsync("mount", ["-o", "remount,ro", Path]);
        Assert.True(remounted.ExitCode == 0, remounted.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcess.RunAsync("umount", [Path]);
        Directory.Delete(Path, recursive: true);
    }
}
