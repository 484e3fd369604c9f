using System.Text;
using LeakHound.Probes.Node.Snapshots;

namespace LeakHound.Probes.Node.Tests;

public sealed class HeapSnapshotTests
{
    /// <summary>
    /// A hand-made snapshot whose fields are in an unusual order (they must be read by name): root → (GC roots) →
    /// a Context whose variable "cache" holds a Map whose table holds 20 entries, and one garbage object.
    /// </summary>
    private static string Snapshot(int entries, string longString = "")
    {
        // node: id, name, edge_count, type, self_size  (type index: 0 synthetic, 1 object, 2 hidden, 3 array, 4 string)
        List<int[]> nodes = [];
        List<int[]> edges = []; // edge: to_node (offset), type (0 internal, 1 property, 2 context, 3 element, 4 weak), name_or_index
        List<string> strings = ["", "(GC roots)", "Map", "table", "cache", "system / Context", "Contact", "k", longString];
        int NodeOffset(int index) => index * 5;
        nodes.Add([1, 0, 1, 0, 0]);               // 0 root
        nodes.Add([3, 1, 1, 0, 0]);               // 1 (GC roots)
        nodes.Add([5, 5, 1, 2, 40]);              // 2 Context
        nodes.Add([7, 2, 1, 1, 32]);              // 3 Map
        nodes.Add([9, 0, entries * 2, 3, 64]);    // 4 table
        edges.Add([NodeOffset(1), 0, 3]);
        edges.Add([NodeOffset(2), 3, 3]);
        edges.Add([NodeOffset(3), 2, 4]);
        edges.Add([NodeOffset(4), 0, 3]);
        int first = 5;
        for (int i = 0; i < entries; i++)
        {
            edges.Add([NodeOffset(first + (2 * i)), 0, 7]);
            edges.Add([NodeOffset(first + (2 * i) + 1), 0, 7]);
        }

        for (int i = 0; i < entries; i++)
        {
            nodes.Add([11 + (4 * i), 7, 0, 4, 24]);
            nodes.Add([13 + (4 * i), 6, 0, 1, 48]);
        }

        nodes.Add([10, 8, 0, 4, longString.Length]); // garbage: nothing holds it
        StringBuilder json = new();
        json.Append("""{"snapshot":{"meta":{"node_fields":["id","name","edge_count","type","self_size"],"node_types":[["synthetic","object","hidden","array","string"],"string","number","number","number"],""");
        json.Append("""  "edge_fields":["to_node","type","name_or_index"],"edge_types":[["internal","property","context","element","weak"],"string_or_number","node"]},""");
        json.Append($$$"""  "node_count":{{{nodes.Count}}},"edge_count":{{{edges.Count}}},"extra":{"nested":[1,[2,{"x":3}]]}},""");
        json.Append($"\"nodes\":[{string.Join(',', nodes.SelectMany(n => n))}],\"edges\":[{string.Join(',', edges.SelectMany(e => e))}],");
        json.Append("\"trace_tree\":[],\"strings\":[");
        json.Append(string.Join(',', strings.Select(s => System.Text.Json.JsonSerializer.Serialize(s))));
        json.Append("]}");
        return json.ToString();
    }

    private static HeapSnapshot Read(string json) => HeapSnapshot.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void FieldsAreReadByName_AndEdgesBelongToTheirNodes()
    {
        HeapSnapshot s = Read(Snapshot(20));

        Assert.Equal(5 + 40 + 1, s.NodeCount);
        Assert.Equal("Map", s.NameOf(3));
        Assert.Equal("object", s.TypeOf(3));
        Assert.Equal(7, s.IdOf(3));
        Assert.Equal(32, s.SizeOf(3));
        Assert.Equal(40, s.EdgeCountOf(4));
        (int e, _) = s.EdgesOf(2);
        Assert.Equal("cache", s.EdgeNameOf(e));
        Assert.Equal(3, s.EdgeTarget(e));
        Assert.Equal(new CollectionSize("Map", 20), SnapshotSummary.Entries(s, 3));
    }

    [Fact]
    public void AStringLongerThanTheReadBuffer_IsRead_Whole()
    {
        string big = new('x', 3 << 20);
        HeapSnapshot s = Read(Snapshot(1, big));
        Assert.Equal(big, s.NameOf(s.NodeCount - 1));
    }

    [Fact]
    public void TheRetainerPath_RunsFromTheGcRoots_ThroughTheVariable_AndGarbageHasNone()
    {
        HeapSnapshot s = Read(Snapshot(20));
        RetainerPaths paths = new(s);

        Assert.Equal(["(GC roots) .[3]", "system / Context .cache", "Map .table", "(array) .k", "Contact"], paths.To(6));
        Assert.False(paths.Reachable(s.NodeCount - 1));
        Assert.Empty(paths.To(s.NodeCount - 1));
    }

    [Fact]
    public void AMapThatKeepsGrowing_AndItsEntries_Grow_InEveryDiff()
    {
        HeapSnapshot[] snapshots = [Read(Snapshot(20)), Read(Snapshot(40)), Read(Snapshot(60))];
        (IReadOnlyList<ClassGrowth> classes, IReadOnlyList<CollectionGrowth> collections) =
            SnapshotGrowth.Of([.. snapshots.Select(SnapshotSummary.Of)], snapshots[^1], 10);

        CollectionGrowth map = Assert.Single(collections);
        Assert.Equal("Map", map.Kind);
        Assert.Equal([20L, 40, 60], map.Entries);
        Assert.Equal(["Contact", "(string)"], classes.Select(c => c.Class));
        Assert.Equal([20L, 40, 60], classes[0].Counts);
        Assert.Equal("Contact", classes[0].RetainerPath[^1]);
    }

    [Fact]
    public void GrowthBelowTenAStep_OrNotInEveryStep_IsNotGrowth()
    {
        HeapSnapshot[] snapshots = [Read(Snapshot(20)), Read(Snapshot(25)), Read(Snapshot(60)), Read(Snapshot(59))];
        (IReadOnlyList<ClassGrowth> classes, IReadOnlyList<CollectionGrowth> collections) =
            SnapshotGrowth.Of([.. snapshots.Select(SnapshotSummary.Of)], snapshots[^1], 10);

        Assert.Empty(classes);
        Assert.Empty(collections);
    }

    [Fact]
    public void ACutSnapshot_OrAnotherDocument_IsOneClearError()
    {
        string whole = Snapshot(5);
        Assert.StartsWith("not a heap snapshot", Assert.Throws<NodeInspectorException>(() => Read(whole[..(whole.Length / 2)])).Message);
        Assert.StartsWith("not a heap snapshot", Assert.Throws<NodeInspectorException>(() => Read(whole[..whole.LastIndexOf('[')])).Message);
        Assert.StartsWith("not a heap snapshot", Assert.Throws<NodeInspectorException>(() => Read("")).Message);
        Assert.Contains("lacks", Assert.Throws<NodeInspectorException>(() => Read("""{"hello":[1,2,3]}""")).Message);
        Assert.Contains("not a heap snapshot", Assert.Throws<NodeInspectorException>(() => Read("<html>")).Message);
    }

    [Fact]
    public void ASnapshotThatWouldNotFitTheHeadroom_IsRefused_BeforeItIsTaken()
    {
        NodeMemory memory = new(100L << 20, 120L << 20, 0, 0, 200L << 20);

        NodeInspectorException e = Assert.Throws<NodeInspectorException>(() => SnapshotTaker.CheckHeadroom(42, memory, 1L << 30));
        Assert.Contains("no heap snapshot of PID 42", e.Message);
        Assert.Contains("1.95 GiB", e.Message); // 20 x its 100 MiB heap
        SnapshotTaker.CheckHeadroom(42, memory, 4L << 30);
        SnapshotTaker.CheckHeadroom(42, memory, null);
    }
}
