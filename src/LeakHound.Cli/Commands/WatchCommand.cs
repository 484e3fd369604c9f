using System.CommandLine;
using LeakHound.Watching;

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
        command.SetAction((parse, cancel) => RunAsync(WatchOptions.Read(parse, "watch"), parse.GetValue(Pids)!, cancel));
        return command;
    }

    private static async Task<int> RunAsync(WatchRequest request, int[] pids, CancellationToken cancel)
    {
        List<WatchTarget> targets = [];
        try
        {
            foreach (int pid in pids.Distinct())
            {
                targets.Add(WatchTarget.ForProcess($"{ReadName(pid)} ({pid})", pid, request.Watch));
            }

            targets[0].Scrape(request.Watch); // --metrics-url: the first target's endpoints
            return await WatchRunner.RunAsync(request, targets, cancel);
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
            throw new WatchException($"no process with PID {pid}", targetFailed: true);
        }
    }
}
