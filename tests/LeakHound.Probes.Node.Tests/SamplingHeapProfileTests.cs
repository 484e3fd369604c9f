using System.Text.Json;

namespace LeakHound.Probes.Node.Tests;

public sealed class SamplingHeapProfileTests
{
    private static JsonElement Profile(string head, string samples = "[]") =>
        JsonDocument.Parse("{\"profile\":{\"head\":" + head + ",\"samples\":" + samples + "}}", new JsonDocumentOptions { MaxDepth = 4096 }).RootElement;

    private static string Node(int id, string function, string url, int line, long self, params string[] children) =>
        $$$"""{"callFrame":{"functionName":"{{{function}}}","scriptId":"1","url":"{{{url}}}","lineNumber":{{{line}}},"columnNumber":4},"selfSize":{{{self}}},"id":{{{id}}},"children":[{{{string.Join(',', children)}}}]}""";

    [Fact]
    public void MemoryAllocatedInsideNode_IsTheProgramsInnermostFrame_WithNodesFrameAsVia()
    {
        string tree = Node(1, "(root)", "", -1, 0,
            Node(2, "onData", "file:///srv/app/index.js", 21, 100,
                Node(3, "writeOrBuffer", "node:internal/streams/writable", 547, 4000),
                Node(4, "alloc", "node:buffer", 390, 500)));
        IReadOnlyList<AllocationSite> sites = SamplingHeapProfile.Parse(Profile(tree, """[{"size":4000,"nodeId":3,"ordinal":1},{"size":100,"nodeId":2,"ordinal":2}]"""));

        AllocationSite site = Assert.Single(sites);
        Assert.Equal("onData /srv/app/index.js:22", site.Key);
        Assert.Equal(4600, site.LiveBytes);
        Assert.Equal(2, site.Samples);
        Assert.Equal("writeOrBuffer node:internal/streams/writable:548", site.Via?.ToString()); // the path that holds the most
        Assert.Equal(["writeOrBuffer node:internal/streams/writable:548", "onData /srv/app/index.js:22"], site.Stack.Select(f => f.ToString()));
    }

    [Fact]
    public void V8sPseudoFrames_AreTheirOwnSites_AndTheRootIsNone()
    {
        string tree = Node(1, "(root)", "", -1, 0, Node(2, "(EXTERNAL)", "", -1, 800), Node(3, "", "file:///a%20b/x.js", 0, 64));
        IReadOnlyList<AllocationSite> sites = SamplingHeapProfile.Parse(Profile(tree));

        Assert.Equal(["(EXTERNAL) (native)", "(anonymous) /a b/x.js:1"], sites.Select(s => s.Key));
        Assert.False(sites[0].Site.IsUserCode);
        Assert.True(sites[1].Site.IsUserCode);
    }

    [Fact]
    public void ADeepCallTree_IsReadWithoutRecursion()
    {
        string tree = Node(100_000, "leaf", "file:///x.js", 5, 10);
        for (int depth = 99_999; depth > 99_999 - 1500; depth--)
        {
            tree = Node(depth, $"f{depth}", "file:///x.js", depth % 50, 0, tree);
        }

        AllocationSite site = Assert.Single(SamplingHeapProfile.Parse(Profile(tree)));
        Assert.Equal("leaf /x.js:6", site.Key);
        Assert.Equal(1501, site.Stack.Count);
    }

    [Fact]
    public void NotAProfile_IsOneClearError()
    {
        NodeInspectorException e = Assert.Throws<NodeInspectorException>(() => SamplingHeapProfile.Parse(JsonDocument.Parse("""{"nope":1}""").RootElement));
        Assert.Contains("no profile", e.Message);
    }
}
