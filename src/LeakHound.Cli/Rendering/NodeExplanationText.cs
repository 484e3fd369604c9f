using LeakHound.Core.Units;
using LeakHound.Probes.Node;
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

        if (!e.InspectorClosed)
        {
            console.MarkupLine(Markup.Escape($"the inspector on 127.0.0.1:{e.Port} is still open"));
        }
    }
}
