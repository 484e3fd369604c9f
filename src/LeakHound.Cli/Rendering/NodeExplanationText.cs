using LeakHound.Core.Units;
using LeakHound.Probes.Node;
using LeakHound.Probes.Node.Snapshots;
using Spectre.Console;

namespace LeakHound.Cli.Rendering;

/// <summary>A Node.js explanation on the terminal: its memory split at each profile, then the allocation sites that grew.</summary>
internal static class NodeExplanationText
{
    public static void Write(IAnsiConsole console, NodeExplanation e)
    {
        Table memory = new Table().Border(TableBorder.Rounded).Title($"memory of PID {e.Pid} at each profile");
        memory.AddColumns("t", "JS heap used", "external", "array buffers", "rss", "rest of rss");
        foreach ((double t, NodeMemory m, _) in e.Profiles)
        {
            memory.AddRow($"{t:0.#}s", Quantity.FormatBytes(m.HeapUsed), Quantity.FormatBytes(m.External), Quantity.FormatBytes(m.ArrayBuffers),
                Quantity.FormatBytes(m.Rss), Quantity.FormatBytes(m.Rest));
        }

        console.Write(memory);
        if (e.Growing.Count == 0)
        {
            console.MarkupLine("[green]no allocation site's live memory grew between every two profiles beyond the sampler's noise[/]");
        }
        else
        {
            Table table = new Table().Border(TableBorder.Rounded).Title("allocation sites whose live memory grew between every two profiles");
            table.AddColumns("allocated at", "function", "via", "live (sampled)", "growth");
            foreach (AllocationGrowth g in e.Growing)
            {
                table.AddRow(Markup.Escape(g.Site.Site.Location), Markup.Escape(g.Site.Site.Function.Length == 0 ? "(anonymous)" : g.Site.Site.Function),
                    Markup.Escape(g.Site.Via?.ToString() ?? "–"), Markup.Escape(string.Join(" → ", g.Bytes.Select(b => Quantity.FormatBytes(b)))),
                    Markup.Escape($"+{Quantity.FormatBytes(g.Growth)} ({Quantity.FormatBytes(g.BytesPerSecond)}/s)"));
            }

            console.Write(table);
        }

        if (e.Profiles.Count >= 2 && e.Profiles[^1].Memory.External - e.Profiles[0].Memory.External is > 0 and long external
            && external > e.Profiles[^1].Memory.HeapUsed - e.Profiles[0].Memory.HeapUsed)
        {
            console.MarkupLine(Markup.Escape($"external memory (Buffers, ArrayBuffers, native) rose by {Quantity.FormatBytes(external)}, more than the JS heap: "
                + "the allocation sites above hold the small JS objects that own it"));
        }

        WriteSnapshots(console, e);
        if (!e.InspectorClosed)
        {
            console.MarkupLine(Markup.Escape($"the inspector on 127.0.0.1:{e.Port} is still open"));
        }
    }

    private static void WriteSnapshots(IAnsiConsole console, NodeExplanation e)
    {
        if (e.SnapshotsRefused is { } refused)
        {
            console.MarkupLine(Markup.Escape(refused));
        }

        if (e.Snapshots.Count == 0)
        {
            return;
        }

        console.MarkupLine(Markup.Escape($"{e.Snapshots.Count} heap snapshots: the target paused {string.Join(", ", e.Snapshots.Select(s => $"{s.PauseSeconds:0.##}s"))}"));
        if (e.Classes.Count + e.Collections.Count == 0)
        {
            console.MarkupLine("[green]no constructor's objects and no collection's entries grew in every diff of the snapshots[/]");
            return;
        }

        Table table = new Table().Border(TableBorder.Rounded).Title("what grew in every diff of the heap snapshots");
        table.AddColumns("constructor / collection", "objects / entries", "bytes", "held by (from the GC roots)");
        foreach (ClassGrowth c in e.Classes)
        {
            table.AddRow(Markup.Escape(c.Class), Markup.Escape(string.Join(" → ", c.Counts.Select(n => n.ToString("N0")))),
                Markup.Escape($"+{Quantity.FormatBytes(c.BytesGrowth)}"), Markup.Escape(string.Join(" → ", c.RetainerPath)));
        }

        foreach (CollectionGrowth c in e.Collections)
        {
            table.AddRow(Markup.Escape($"{c.Kind} @{c.Id}"), Markup.Escape(string.Join(" → ", c.Entries.Select(n => n.ToString("N0")))), "",
                Markup.Escape(string.Join(" → ", c.RetainerPath)));
        }

        console.Write(table);
    }
}
