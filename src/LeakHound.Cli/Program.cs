using System.CommandLine;
using LeakHound.Cli;
using LeakHound.Cli.Commands;

RootCommand root = new("LeakHound: tells a memory leak from a healthy GC sawtooth, with statistics, for any process.");
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(WatchCommand.Create());
root.Subcommands.Add(ReplayCommand.Create());
root.Subcommands.Add(AnalyzeCommand.Create());
root.Subcommands.Add(CompareCommand.Create());
root.Subcommands.Add(ReportCommand.Create());
root.Subcommands.Add(HistoryCommand.Create());
root.Subcommands.Add(DemoCommand.Create());
root.Subcommands.Add(HeapDiffCommand.Create());
root.Subcommands.Add(ExplainCommand.Create());
root.Subcommands.Add(LeakHound.Cli.Soak.SoakCommand.Create());
root.Subcommands.Add(LeakHound.Cli.Scan.ScanCommand.Create());
root.Subcommands.Add(DemoTargetCommand.Create());

ParseResult parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    foreach (System.CommandLine.Parsing.ParseError error in parse.Errors)
    {
        Console.Error.WriteLine($"leakhound: {Friendly(error.Message)}");
    }

    Console.Error.WriteLine("Try 'leakhound --help'.");
    return (int)ExitCode.Usage;
}

try
{
    // Ctrl-C and SIGTERM cancel the action's token; the action then stops the target and still prints the verdict.
    return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(15), EnableDefaultExceptionHandler = false });
}
catch (LeakHoundException e)
{
    Console.Error.WriteLine($"leakhound: {e.Message}");
    return (int)e.Code;
}
catch (LeakHound.Watching.WatchException e)
{
    Console.Error.WriteLine($"leakhound: {e.Message}");
    return (int)(e.TargetFailed ? ExitCode.Target : ExitCode.Usage);
}
catch (LeakHound.Probes.DotNet.Heap.HeapSnapshotException e)
{
    Console.Error.WriteLine($"leakhound: {e.Message}");
    return (int)ExitCode.Target;
}
catch (LeakHound.Store.StoreException e)
{
    // A store found damaged while it is read (after it opened): the same one line as at opening.
    Console.Error.WriteLine($"leakhound: --store: {e.Message}");
    return (int)ExitCode.Usage;
}
catch (LeakHound.Reporting.ReportException e)
{
    Console.Error.WriteLine($"leakhound: {e.Message}");
    return (int)ExitCode.Usage;
}

// System.CommandLine names the .NET type a value failed to convert to; people know numbers, not System.Int32.
static string Friendly(string message) => System.Text.RegularExpressions.Regex.Replace(message, @"as expected type 'System\.Nullable`1\[+(System\.\w+)[^']*'", "as expected type '$1'")
    .Replace("as expected type 'System.Int32'", "as a whole number", StringComparison.Ordinal)
    .Replace("as expected type 'System.Int64'", "as a whole number", StringComparison.Ordinal)
    .Replace("as expected type 'System.Double'", "as a number", StringComparison.Ordinal);
