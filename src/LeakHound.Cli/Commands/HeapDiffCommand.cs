using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Core.Units;
using LeakHound.Probes.DotNet.Heap;
using Spectre.Console;

namespace LeakHound.Cli.Commands;

/// <summary><c>leakhound heapdiff --pid N</c>: heap snapshots of a .NET process, and the types that grew between them.</summary>
internal static class HeapDiffCommand
{
    private static readonly Option<int> Pid = new("--pid", "-p") { Description = "The .NET process", Required = true };
    private static readonly Option<string> Interval = new("--interval", "-i") { Description = "Time between snapshots", DefaultValueFactory = _ => "30s" };
    private static readonly Option<int> Snapshots = new("--snapshots", "-n") { Description = "Number of snapshots (≥ 2); a type must grow between every two", DefaultValueFactory = _ => 2 };
    private static readonly Option<int> Top = new("--top") { Description = "Growing types to show, each with a retention path", DefaultValueFactory = _ => 10 };
    private static readonly Option<string?> DumpDir = new("--dump-dir") { Description = "Where the temporary heap dumps go (default: the temp folder); they are deleted afterwards" };

    public static Command Create()
    {
        Command command = new("heapdiff", "Snapshot a .NET process's heap twice (or more) and list the types that grew, with what keeps them alive");
        foreach (Option o in new Option[] { Pid, Interval, Snapshots, Top, CommonOptions.Format, DumpDir })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        int pid = parse.GetValue(Pid);
        double interval = CommonOptions.ParseDuration(parse.GetValue(Interval)!, "--interval");
        int count = parse.GetValue(Snapshots);
        int top = parse.GetValue(Top);
        bool json = CommonOptions.Json(parse);
        string dir = parse.GetValue(DumpDir) ?? Path.GetTempPath();
        if (count < 2 || count > 10) { throw new LeakHoundException("--snapshots must be between 2 and 10"); }
        if (top < 1) { throw new LeakHoundException("--top must be at least 1"); }
        if (!Directory.Exists(dir)) { throw new LeakHoundException($"--dump-dir: '{dir}' is not a folder"); }
        if (!Directory.Exists($"/proc/{pid}")) { throw new LeakHoundException($"no process with PID {pid}", ExitCode.Target); }

        return await RunAsync(pid, interval, count, top, json, dir, cancel);
    }

    /// <summary>The heap diff of a .NET process, shown or as JSON; the exit code (1: a type grows).</summary>
    internal static async Task<int> RunAsync(int pid, double interval, int count, int top, bool json, string dir, CancellationToken cancel)
    {
        IAnsiConsole human = HumanConsole.Create(json);
        HeapDiffResult result = await HeapDiffRunner.RunAsync(pid, interval, count, top, dir, message => human.MarkupLine(Markup.Escape(message)), cancel);
        if (json)
        {
            JsonStdout.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("command", "heapdiff");
                w.WriteNumber("pid", pid);
                HeapDiffJson.WriteProperties(w, result);
                w.WriteEndObject();
            });
        }
        else
        {
            Write(human, result);
        }

        return result.Growing.Count > 0 ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
    }

    internal static void Write(IAnsiConsole console, HeapDiffResult result)
    {
        if (result.Growing.Count == 0)
        {
            console.MarkupLine("[green]no type grew above noise between the snapshots[/]");
            return;
        }

        Table table = new Table().Border(TableBorder.Rounded).Title("types that grew between every two snapshots");
        table.AddColumns("type", "instances", "bytes", "growth");
        foreach (TypeGrowth g in result.Growing)
        {
            table.AddRow(
                Markup.Escape(g.Type),
                $"{g.Before.Count:N0} → {g.After.Count:N0}",
                Markup.Escape($"{Quantity.FormatBytes(g.Before.Bytes)} → {Quantity.FormatBytes(g.After.Bytes)}"),
                Markup.Escape($"+{g.CountGrowth:N0} (+{Quantity.FormatBytes(g.BytesGrowth)})"));
        }

        console.Write(table);
        foreach (TypeGrowth g in result.Growing.Where(g => g.RetentionPath is not null))
        {
            console.MarkupLine($"[bold]{Markup.Escape(g.Type)}[/] is kept alive by: {Markup.Escape(string.Join(" → ", g.RetentionPath!))}");
        }
    }
}
