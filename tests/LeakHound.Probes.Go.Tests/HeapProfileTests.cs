using System.IO.Compression;
using Google.Protobuf;
using LeakHound.Probes.Go.Pprof;

namespace LeakHound.Probes.Go.Tests;

/// <summary>A Go heap profile (gzip'd profile.proto) read into live bytes per allocation stack, and the sites that grow.</summary>
public sealed class HeapProfileTests
{
    /// <summary>A profile as Go writes one: alloc_* and inuse_* sample types, a site in main under runtime frames.</summary>
    private static byte[] Profile(long keptBytes, long keptObjects)
    {
        Profile p = new();
        p.StringTable.AddRange(["", "alloc_objects", "count", "alloc_space", "bytes", "inuse_objects", "inuse_space",
            "runtime.mallocgc", "/go/src/runtime/malloc.go", "main.reconnect", "/src/main.go", "main.main"]);
        foreach ((long type, long unit) in new (long, long)[] { (1, 2), (3, 4), (5, 2), (6, 4) })
        {
            p.SampleType.Add(new Pprof.ValueType { Type = type, Unit = unit });
        }

        p.Function.Add(new Function { Id = 1, Name = 7, Filename = 8 });
        p.Function.Add(new Function { Id = 2, Name = 9, Filename = 10 });
        p.Function.Add(new Function { Id = 3, Name = 11, Filename = 10 });
        p.Location.Add(new Location { Id = 10, Line = { new Line { FunctionId = 1, Line_ = 1100 } } });
        p.Location.Add(new Location { Id = 11, Line = { new Line { FunctionId = 2, Line_ = 40 } } });
        p.Location.Add(new Location { Id = 12, Line = { new Line { FunctionId = 3, Line_ = 70 } } });
        p.Sample.Add(new Sample { LocationId = { 10, 11, 12 }, Value = { 100, 100 << 20, keptObjects, keptBytes } });
        p.Sample.Add(new Sample { LocationId = { 12 }, Value = { 5, 5000, 1, 1000 } });
        using MemoryStream zipped = new();
        using (GZipStream gzip = new(zipped, CompressionLevel.Fastest, leaveOpen: true))
        {
            p.WriteTo(gzip);
        }

        return zipped.ToArray();
    }

    [Fact]
    public void LiveBytes_ArePerAllocationStack_NamedOutsideTheRuntime()
    {
        IReadOnlyList<HeapSite> sites = HeapProfile.Parse(Profile(keptBytes: 8 << 20, keptObjects: 8));

        HeapSite top = sites[0];
        Assert.Equal(8 << 20, top.InuseBytes);
        Assert.Equal(8, top.InuseObjects);
        Assert.Equal(new GoFrame("main.reconnect", "/src/main.go", 40), top.AllocatedAt);
        Assert.Equal(3, top.Stack.Count);
        Assert.Equal(1000, sites[1].InuseBytes);
    }

    [Fact]
    public void ASiteGrows_OnlyWhenItsLiveBytesRiseBetweenEveryTwoProfiles()
    {
        IReadOnlyList<HeapGrowth> growing = HeapGrowthDiff.Growing(
        [
            (0, HeapProfile.Parse(Profile(8 << 20, 8))),
            (2, HeapProfile.Parse(Profile(16 << 20, 16))),
            (4, HeapProfile.Parse(Profile(24 << 20, 24))),
        ]);

        HeapGrowth g = Assert.Single(growing); // main.main's 1000 bytes stay put
        Assert.Equal("main.reconnect", g.Site.AllocatedAt!.Function);
        Assert.Equal(4 << 20, g.BytesPerSecond);
        Assert.Equal([8L, 16, 24], g.Objects);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e })]
    public void WhatIsNoGzippedProfile_IsRefusedInOneLine(byte[] body)
    {
        PprofException e = Assert.Throws<PprofException>(() => HeapProfile.Parse(body));

        Assert.StartsWith("not a Go heap profile", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
