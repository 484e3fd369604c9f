using System.Diagnostics;
using LeakHound.TestSupport;

namespace LeakHound.Probes.Node.Tests;

/// <summary>A real Node.js program of the fixtures, started for one test and killed at its end; its stderr is kept (the inspector's banner).</summary>
internal sealed class NodeProgram : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();

    private NodeProgram(Process process) => _process = process;

    public int Pid => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>A script under tests/fixtures/node, started with <paramref name="nodeFlags"/>, once it printed "ready".</summary>
    public static Task<NodeProgram> StartAsync(string script, string[]? nodeFlags = null, params string[] args) => StartAsync([], script, nodeFlags, args);

    /// <summary>The same, started through a launcher that execs node in its place (<c>unshare -n</c>): the PID is node's.</summary>
    public static async Task<NodeProgram> StartAsync(string[] launcher, string script, string[]? nodeFlags, string[] args)
    {
        ProcessStartInfo info = new(launcher.Length > 0 ? launcher[0] : "node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (launcher.Length > 0)
        {
            foreach (string part in launcher.Skip(1))
            {
                info.ArgumentList.Add(part);
            }

            info.ArgumentList.Add("node");
        }

        foreach (string flag in nodeFlags ?? [])
        {
            info.ArgumentList.Add(flag);
        }

        info.ArgumentList.Add(Path.Combine(Repo.Root, "tests", "fixtures", "node", script));
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        NodeProgram program = new(Process.Start(info)!);
        program._process.ErrorDataReceived += (_, e) =>
        {
            lock (program._stderr)
            {
                program._stderr.AppendLine(e.Data);
            }
        };
        program._process.BeginErrorReadLine();
        Task<string?> ready = program._process.StandardOutput.ReadLineAsync();
        if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(20))) != ready || ready.Result?.StartsWith("ready", StringComparison.Ordinal) != true)
        {
            program.Dispose();
            throw new InvalidOperationException($"{script} did not get ready: {program.Stderr}");
        }

        return program;
    }

    /// <summary>The 1-based lines of a fixture that carry a marker comment.</summary>
    public static IReadOnlyList<int> MarkedLines(string script, string marker) =>
        [.. File.ReadAllLines(Path.Combine(Repo.Root, "tests", "fixtures", "node", script)).Select((line, i) => (line, i)).Where(l => l.line.Contains(marker, StringComparison.Ordinal)).Select(l => l.i + 1)];

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
    }
}
