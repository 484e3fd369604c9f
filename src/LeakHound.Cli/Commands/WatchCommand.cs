using System.CommandLine;
using LeakHound.Cli.Watching;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound watch --pid N [--pid M …]</c>: attach to running processes (and their children).</summary>
internal static class WatchCommand
{
    private static readonly Option<int[]> Pids = new("--pid", "-p") { Description = "Process to watch (repeat for several; each is watched with its children)", Required = true };

    public static Command Create()
    {
        Command command = new("watch", "Attach to running processes and watch them for leaks");
        command.Options.Add(Pids);
        WatchOptions.AddTo(command);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        WatchSettings settings = WatchOptions.Read(parse);
        List<WatchedTarget> targets = [];
        try
        {
            foreach (int pid in parse.GetValue(Pids)!.Distinct())
            {
                string name = ReadName(pid);
                targets.Add(WatchRunner.CreateTarget($"{name} ({pid})", pid, settings, launched: null));
            }

            return await WatchRunner.RunAsync("watch", targets, settings, cancel);
        }
        finally
        {
            targets.ForEach(t => t.Dispose());
        }
    }

    private static string ReadName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LeakHoundException($"no process with PID {pid}", ExitCode.Target);
        }
    }
}
