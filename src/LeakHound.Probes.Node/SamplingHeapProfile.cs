using System.Text.Json;

namespace LeakHound.Probes.Node;

/// <summary>A place in JavaScript code: function, script and line (1-based).</summary>
public sealed record JsFrame(string Function, string Url, int Line, int Column)
{
    /// <summary>The script as people read it: a path for a file URL.</summary>
    public string File => Url.StartsWith("file://", StringComparison.Ordinal) ? Uri.UnescapeDataString(Url["file://".Length..]) : Url;

    public string Location => Url.Length == 0 ? "(native)" : $"{File}:{Line}";

    /// <summary>The program's own code: not Node's internals (<c>node:…</c>), not V8's pseudo-frames (no script).</summary>
    public bool IsUserCode => Url.Length > 0 && !Url.StartsWith("node:", StringComparison.Ordinal);

    public override string ToString() => $"{(Function.Length == 0 ? "(anonymous)" : Function)} {Location}";
}

/// <summary>
/// Live memory the sampling heap profiler attributes to one allocation site: the innermost frame of the program's own
/// code on the allocating stack (Node's internals that did the allocating, such as a stream's buffer, are kept as
/// <see cref="Via"/>, with the stack, for the call path that holds the most).
/// </summary>
/// <param name="Site">Where the program allocated.</param>
/// <param name="Via">The innermost frame, when it is not the site (<c>Buffer.from node:buffer</c>).</param>
/// <param name="LiveBytes">Estimated live bytes (V8 scales the samples by the sampling interval).</param>
/// <param name="Samples">Sampled objects still alive.</param>
/// <param name="Stack">The allocating stack, innermost first.</param>
public sealed record AllocationSite(JsFrame Site, JsFrame? Via, long LiveBytes, int Samples, IReadOnlyList<JsFrame> Stack)
{
    public string Key => Site.ToString();
}

/// <summary>
/// Reads the sampling heap profiler's profile (<c>HeapProfiler.getSamplingProfile</c>: a call tree of
/// <c>{callFrame, selfSize, id, children}</c> and the <c>samples</c> still alive) into live bytes per allocation site.
/// </summary>
public static class SamplingHeapProfile
{
    /// <exception cref="NodeInspectorException">Not a sampling heap profile.</exception>
    public static IReadOnlyList<AllocationSite> Parse(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Object || !Has(result, "profile", out JsonElement profile)
            || !Has(profile, "head", out JsonElement head))
        {
            throw new NodeInspectorException("HeapProfiler.getSamplingProfile gave no profile");
        }

        Dictionary<int, int> samplesByNode = [];
        if (Has(profile, "samples", out JsonElement samples) && samples.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement sample in samples.EnumerateArray())
            {
                if (Has(sample, "nodeId", out JsonElement n) && n.ValueKind == JsonValueKind.Number && n.TryGetInt32(out int node))
                {
                    samplesByNode[node] = samplesByNode.GetValueOrDefault(node) + 1;
                }
            }
        }

        Dictionary<string, (AllocationSite Site, long ViaBytes)> sites = new(StringComparer.Ordinal);
        // Depth-first without recursion: a deep call tree must not overflow the stack. Each entry: node, its path.
        Stack<(JsonElement Node, List<JsFrame> Path)> pending = new();
        pending.Push((head, []));
        while (pending.Count > 0)
        {
            (JsonElement node, List<JsFrame> path) = pending.Pop();
            JsFrame frame = Frame(node);
            List<JsFrame> here = frame.Function == "(root)" && frame.Url.Length == 0 ? path : [.. path, frame];
            long self = Has(node, "selfSize", out JsonElement s) && s.ValueKind == JsonValueKind.Number && s.TryGetDouble(out double size) ? (long)size : 0;
            if (self > 0 && here.Count > 0)
            {
                int id = Has(node, "id", out JsonElement i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out int v) ? v : -1;
                Add(sites, here, self, samplesByNode.GetValueOrDefault(id));
            }

            if (Has(node, "children", out JsonElement children) && children.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement child in children.EnumerateArray())
                {
                    pending.Push((child, here));
                }
            }
        }

        return [.. sites.Values.Select(s => s.Site).OrderByDescending(s => s.LiveBytes).ThenBy(s => s.Key, StringComparer.Ordinal)];
    }

    private static void Add(Dictionary<string, (AllocationSite Site, long ViaBytes)> sites, List<JsFrame> path, long bytes, int samples)
    {
        JsFrame innermost = path[^1];
        JsFrame site = path.FindLast(f => f.IsUserCode) ?? innermost;
        JsFrame? via = ReferenceEquals(site, innermost) ? null : innermost;
        string key = site.ToString();
        if (!sites.TryGetValue(key, out (AllocationSite Site, long ViaBytes) seen))
        {
            sites[key] = (new AllocationSite(site, via, bytes, samples, [.. Enumerable.Reverse(path)]), bytes);
            return;
        }

        // The stack and the way through Node shown are those of the call path that holds the most.
        bool larger = bytes > seen.ViaBytes;
        sites[key] = (seen.Site with
        {
            LiveBytes = seen.Site.LiveBytes + bytes,
            Samples = seen.Site.Samples + samples,
            Via = larger ? via : seen.Site.Via,
            Stack = larger ? [.. Enumerable.Reverse(path)] : seen.Site.Stack,
        }, Math.Max(bytes, seen.ViaBytes));
    }

    /// <summary>A property of an object; false for anything else (a profile is outside input: any element may be any kind).</summary>
    private static bool Has(JsonElement element, string name, out JsonElement value)
    {
        value = default;
        return element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out value);
    }

    private static JsFrame Frame(JsonElement node)
    {
        if (!Has(node, "callFrame", out JsonElement f))
        {
            return new JsFrame("?", "", 0, 0);
        }

        static string Text(JsonElement e, string name) => Has(e, name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
        static int Number(JsonElement e, string name) => Has(e, name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : -1;
        return new JsFrame(Text(f, "functionName"), Text(f, "url"), Number(f, "lineNumber") + 1, Number(f, "columnNumber") + 1);
    }
}
