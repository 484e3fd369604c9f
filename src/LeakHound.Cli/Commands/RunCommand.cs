using System.CommandLine;
using LeakHound.Cli.Watching;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound run [options] -- CMD [ARGS…]</c>: launch a command and watch its process tree.</summary>
internal static class RunCommand
{
    private static readonly Option<string?> TargetLog = new("--target-log") { Description = "Write the command's stdout and stderr to this file instead of passing them through" };
    private static readonly Argument<string[]> Command = new("command") { Description = "The command to launch and its arguments (after --)", Arity = ArgumentArity.OneOrMore };

    public static Command Create()
    {
        Command command = new("run", "Launch a command and watch its whole process tree for leaks");
        WatchOptions.AddTo(command);
        command.Options.Add(TargetLog);
        command.Arguments.Add(Command);
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        WatchSettings settings = WatchOptions.Read(parse) with { TargetLogPath = parse.GetValue(TargetLog) };
        string[] argv = parse.GetValue(Command)!;
        LaunchedProcess launched = LaunchedProcess.Start(argv, stdoutToStderr: settings.Json, settings.TargetLogPath);
        WatchedTarget target;
        try
        {
            target = WatchRunner.CreateTarget($"{Path.GetFileName(argv[0])} ({launched.Pid})", launched.Pid, settings, launched);
        }
        catch (LeakHoundException)
        {
            if (launched.HasExited)
            {
                throw new LeakHoundException($"'{argv[0]}' exited at once with code {launched.ExitCode}; nothing to watch", ExitCode.Target);
            }

            await launched.StopAsync(TimeSpan.FromSeconds(2));
            throw;
        }

        using (target)
        {
            return await WatchRunner.RunAsync("run", [target], settings, cancel);
        }
    }
}
