using System.CommandLine;
using LeakHound.Cli.Rendering;
using LeakHound.Probes.DotNet;
using LeakHound.Probes.Go;
using LeakHound.Probes.Node;
using Spectre.Console;

namespace LeakHound.Cli.Commands;

/// <summary>
/// <c>leakhound explain --pid N | --pprof-url URL</c>: what grows inside a running service, by the mechanism of its
/// runtime. A .NET process: the heap diff (as <c>heapdiff</c>). A Go program: the goroutine stacks whose count grows in
/// every step between dumps of its <c>net/http/pprof</c> (given, or found among the process's listening ports). A
/// Node.js process: the allocation sites whose live memory grows, through its inspector.
/// </summary>
internal static class ExplainCommand
{
    private static readonly Option<int?> Pid = new("--pid", "-p") { Description = "The process: .NET (heap diff), Node.js (its inspector, opened with SIGUSR1 and closed again) or Go (its net/http/pprof, found on its listening ports)" };
    private static readonly Option<string?> PprofUrl = new("--pprof-url") { Description = "A Go program's net/http/pprof, e.g. http://127.0.0.1:6060/debug/pprof" };
    private static readonly Option<string> For = new("--for") { Description = "How long to watch: the first and last snapshots are this far apart", DefaultValueFactory = _ => "60s" };
    private static readonly Option<int> Snapshots = new("--snapshots", "-n") { Description = "Snapshots over that time (≥ 2); what grows must grow between every two", DefaultValueFactory = _ => 3 };
    private static readonly Option<bool> HeapSnapshots = new("--heap-snapshots")
    {
        Description = "Node.js: also take a heap snapshot at each point (costly: the target pauses and its memory rises; refused when its headroom is short) for growing constructors, collections and retainer paths",
    };
    private static readonly Option<int> Top = new("--top") { Description = "Growing things to show", DefaultValueFactory = _ => 10 };

    public static Command Create()
    {
        Command command = new("explain", "Say what grows inside a running .NET, Node.js or Go service (heap types, allocation sites, goroutine stacks), over a few snapshots");
        foreach (Option o in new Option[] { Pid, PprofUrl, For, Snapshots, HeapSnapshots, Top, CommonOptions.Format })
        {
            command.Options.Add(o);
        }

        command.Validators.Add(r =>
        {
            if (r.GetResult(Pid) is null && r.GetResult(PprofUrl) is null)
            {
                r.AddError("give what to explain: --pid N, or --pprof-url URL");
            }
        });
        command.SetAction((parse, cancel) => RunAsync(parse, cancel));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancel)
    {
        double window = CommonOptions.ParseDuration(parse.GetValue(For)!, "--for");
        int count = parse.GetValue(Snapshots);
        int top = parse.GetValue(Top);
        bool json = CommonOptions.Json(parse);
        if (count < 2 || count > 20) { throw new LeakHoundException("--snapshots must be between 2 and 20"); }
        if (top < 1) { throw new LeakHoundException("--top must be at least 1"); }
        int? pid = parse.GetValue(Pid);
        if (pid is { } p && !Directory.Exists($"/proc/{p}")) { throw new LeakHoundException($"no process with PID {p}", ExitCode.Target); }

        Uri? pprof = null;
        if (parse.GetValue(PprofUrl) is { } given)
        {
            pprof = Uri.TryCreate(given, UriKind.Absolute, out Uri? u) && u.Scheme is "http" or "https"
                ? u : throw new LeakHoundException($"--pprof-url: '{given}' is not an http(s) URL");
        }
        else if (pid is { } dotnet && DiagnosticEndpoint.Exists(dotnet))
        {
            return await HeapDiffCommand.RunAsync(dotnet, window / (count - 1), count, top, json, Path.GetTempPath(), cancel);
        }
        else if (pid is { } node && NodeInspector.IsNode(node))
        {
            return await ExplainNodeAsync(node, window, count, top, json, parse.GetValue(HeapSnapshots), cancel);
        }
        else
        {
            pprof = await PprofDiscovery.FindAsync(pid!.Value, TimeSpan.FromSeconds(2), cancel) ?? throw new LeakHoundException(NoMechanism(pid.Value), ExitCode.Target);
        }

        IAnsiConsole human = HumanConsole.Create(json);
        using PprofEndpoint endpoint = new(pprof, TimeSpan.FromSeconds(30));
        GoExplanation explanation;
        try
        {
            explanation = await GoExplainer.RunAsync(endpoint, pid, window, count, top, message => human.MarkupLine(Markup.Escape(message)), cancel);
        }
        catch (PprofException e)
        {
            throw new LeakHoundException(e.Message, ExitCode.Target);
        }

        if (json)
        {
            JsonStdout.Write(w => GoExplanationJson.Write(w, explanation));
        }
        else
        {
            Write(human, explanation);
        }

        return explanation.AnyGrowth ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
    }

    private static string NoMechanism(int pid)
    {
        return $"PID {pid} ({Probes.Proc.ProcessNames.Of(pid)}) is not a .NET or Node.js process and serves no net/http/pprof on the ports it listens on; give --pprof-url";
    }

    /// <summary>A Node.js process, through its inspector (opened with SIGUSR1 and closed again): its growing allocation sites.</summary>
    private static async Task<int> ExplainNodeAsync(int pid, double window, int count, int top, bool json, bool heapSnapshots, CancellationToken cancel)
    {
        IAnsiConsole human = HumanConsole.Create(json);
        NodeExplanation explanation;
        try
        {
            InspectorSession session = await NodeInspector.AttachAsync(pid, TimeSpan.FromSeconds(5), cancel);
            await using (session)
            {
                human.MarkupLine(Markup.Escape(session.OpenedByUs
                    ? $"opened the inspector of PID {pid} on 127.0.0.1:{session.Port} (SIGUSR1); it is closed again at the end"
                    : $"using the inspector PID {pid} already had open on 127.0.0.1:{session.Port} (left open)"));
                explanation = await NodeExplainer.RunAsync(session, window, count, top, message => human.MarkupLine(Markup.Escape(message)), cancel, heapSnapshots);
                try
                {
                    await session.CloseAsync();
                    explanation = explanation with { InspectorClosed = session.OpenedByUs };
                }
                catch (NodeInspectorException e)
                {
                    human.MarkupLine(Markup.Escape(e.Message));
                }
            }
        }
        catch (NodeInspectorException e)
        {
            throw new LeakHoundException(e.Message, ExitCode.Target);
        }

        if (json)
        {
            JsonStdout.Write(w => NodeExplanationJson.Write(w, explanation));
        }
        else
        {
            NodeExplanationText.Write(human, explanation);
        }

        return explanation.AnyGrowth ? (int)ExitCode.Leak : (int)ExitCode.NoLeak;
    }

    private static void Write(IAnsiConsole console, GoExplanation explanation)
    {
        GoroutineLeakProfile proof = explanation.LeakProfile;
        if (explanation.Goroutines.Count == 0)
        {
            console.MarkupLine("[green]no goroutine stack grew between every two reads[/]");
        }
        else
        {
            Table table = new Table().Border(TableBorder.Rounded).Title("goroutine stacks that grew between every two reads");
            table.AddColumns("blocked in", "state", "created by", "goroutines", "growth");
            if (proof.Stacks is not null)
            {
                table.AddColumn("proven leaked");
            }

            foreach (GoroutineGrowth g in explanation.Goroutines)
            {
                List<string> cells = [g.Stack.Blocked?.ToString() ?? "?", g.Stack.State, g.Stack.CreatedBy?.ToString() ?? "–",
                    string.Join(" → ", g.Counts), $"+{g.Growth} ({g.PerSecond:0.##}/s)"];
                if (proof.LeakedIn(g.Stack) is { } proven)
                {
                    cells.Add(proven.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                table.AddRow([.. cells.Select(Markup.Escape)]);
            }

            console.Write(table);
        }

        console.MarkupLine(Markup.Escape(proof.Summary));

        if (explanation.Heap.Count == 0)
        {
            console.MarkupLine("[green]no heap allocation site grew between every two profiles[/]");
            return;
        }

        Table heap = new Table().Border(TableBorder.Rounded).Title("heap allocation sites whose live bytes grew between every two profiles");
        heap.AddColumns("allocated at", "in use", "objects", "growth");
        foreach (HeapGrowth g in explanation.Heap)
        {
            heap.AddRow(Markup.Escape(g.Site.AllocatedAt?.ToString() ?? "?"), Markup.Escape(string.Join(" → ", g.Bytes.Select(b => Core.Units.Quantity.FormatBytes(b)))),
                Markup.Escape(string.Join(" → ", g.Objects)), Markup.Escape($"+{Core.Units.Quantity.FormatBytes(g.Growth)} ({Core.Units.Quantity.FormatBytes(g.BytesPerSecond)}/s)"));
        }

        console.Write(heap);
    }
}
