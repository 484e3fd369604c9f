using System.Text.Json;

namespace LeakHound.Probes.Node;

/// <summary>
/// A Node.js process's own view of its memory: the V8 heap (<c>Runtime.getHeapUsage</c>) and
/// <c>process.memoryUsage()</c> — heap used/total, external (Buffers, native add-ons), array buffers, RSS — so that a
/// resident leak is split into the JS heap, external memory and the rest (the media-route incident's "external memory
/// 600% of the heap").
/// </summary>
public sealed record NodeMemory(long HeapUsed, long HeapTotal, long External, long ArrayBuffers, long Rss)
{
    /// <summary>Resident memory that is neither the JS heap nor external: code, stacks, the allocator's own.</summary>
    public long Rest => Math.Max(0, Rss - HeapTotal - External);

    /// <exception cref="NodeInspectorException">The inspector failed or gave something else.</exception>
    public static async Task<NodeMemory> ReadAsync(InspectorSession session, CancellationToken cancel)
    {
        // The heap from V8 itself (no JavaScript runs for it); the rest only the process knows.
        JsonElement heap = await session.SendAsync("Runtime.getHeapUsage", null, cancel);
        string json = await session.EvaluateAsync("JSON.stringify(process.memoryUsage())", cancel);
        try
        {
            using JsonDocument usage = JsonDocument.Parse(json);
            JsonElement u = usage.RootElement;
            static long Field(JsonElement e, string name) => e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double n) ? (long)n : 0;
            return new NodeMemory(Field(heap, "usedSize") is > 0 and long used ? used : Field(u, "heapUsed"), Field(heap, "totalSize") is > 0 and long total ? total : Field(u, "heapTotal"),
                Field(u, "external"), Field(u, "arrayBuffers"), Field(u, "rss"));
        }
        catch (JsonException e)
        {
            throw new NodeInspectorException($"process.memoryUsage() gave no JSON: {Core.Text.OneLine.Of(e.Message)}");
        }
    }
}
