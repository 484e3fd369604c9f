using System.Diagnostics;

namespace LeakHound.Cli.Tests;

/// <summary>
/// A fresh v1 memory cgroup for one test (these machines mount cgroup v1, and .ci/run runs as root): processes started
/// in it, an optional limit, and on disposal every process in it killed and the cgroup removed.
/// </summary>
internal sealed class TestCgroup : IDisposable
{
    public const string Mount = "/sys/fs/cgroup/memory";

    public TestCgroup(long? limitBytes = null)
    {
        Name = $"leakhound-test-{Guid.NewGuid():N}"[..28];
        Folder = Path.Combine(Mount, Name);
        Directory.CreateDirectory(Folder);
        if (limitBytes is { } limit)
        {
            File.WriteAllText(Path.Combine(Folder, "memory.limit_in_bytes"), limit.ToString());
            // No swap to fall back on, so that the limit is where the kernel kills (where memsw is accounted).
            string memsw = Path.Combine(Folder, "memory.memsw.limit_in_bytes");
            if (File.Exists(memsw))
            {
                File.WriteAllText(memsw, limit.ToString());
            }
        }
    }

    public string Name { get; }

    public string Folder { get; }

    /// <summary>Starts a shell command inside the cgroup (the shell moves itself in, then execs the command).</summary>
    public Process Start(string command) =>
        Process.Start(new ProcessStartInfo("sh", ["-c", $"echo $$ > {Folder}/cgroup.procs && exec {command}"]) { UseShellExecute = false })!;

    public IReadOnlyList<int> Pids() =>
        [.. File.ReadAllLines(Path.Combine(Folder, "cgroup.procs")).Select(int.Parse)];

    public void KillAll()
    {
        foreach (int pid in Pids())
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // already gone
            }
        }
    }

    public void Dispose()
    {
        for (int i = 0; i < 100 && Directory.Exists(Folder); i++)
        {
            try
            {
                KillAll();
                Directory.Delete(Folder); // the folder only: a cgroup's files are not deleted
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(100); // killed processes still leaving
            }
        }
    }

    /// <summary>True where these tests can make a v1 memory cgroup (root, v1 mounted).</summary>
    public static bool Available => Directory.Exists(Mount) && Environment.UserName == "root";
}
