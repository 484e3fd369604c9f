using System.CommandLine;
using LeakHound.Watching;
using LeakHound.Watching.Launch;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound run [options] -- CMD [ARGS…]</c>: launch a command and watch its process tree.</summary>
internal static class RunCommand
{
    private static readonly Argument<string[]> Command = new("command") { Description = "The command to launch and its arguments (after --)", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        Command command = new("run", "Launch a command and watch its whole process tree for leaks");
        WatchOptions.AddTo(command);
        command.Options.Add(CommonOptions.TargetLog);
        command.Arguments.Add(Command);
        command.SetAction((parse, cancel) => RunAsync(WatchOptions.Read(parse, "run"), parse.GetValue(Command)!, cancel));
        return command;
    }

    private static async Task<int> RunAsync(WatchRequest request, string[] argv, CancellationToken cancel)
    {
        LaunchedProcess launched = LaunchedProcess.Start(argv, stdoutToStderr: request.Json, request.TargetLogPath);
        WatchTarget target;
        try
        {
            target = WatchTarget.ForProcess($"{Path.GetFileName(argv[0])} ({launched.Pid})", launched.Pid, request.Watch, launched);
        }
        catch (WatchException)
        {
            await launched.StopAsync(TimeSpan.FromSeconds(2));
            if (launched.HasExited)
            {
                throw new WatchException($"'{argv[0]}' exited at once with code {launched.ExitCode}; nothing to watch", targetFailed: true);
            }

            throw;
        }

        target.Scrape(request.Watch);
        using (target)
        {
            return await WatchRunner.RunAsync(request, [target], cancel);
        }
    }
}
