using System.IO.Compression;
using Google.Protobuf;
using LeakHound.Core.Explaining;
using LeakHound.Probes.Go.Pprof;

namespace LeakHound.Probes.Go;

/// <summary>What the heap holds from one allocation stack (innermost frame first): live objects and bytes.</summary>
public sealed record HeapSite(IReadOnlyList<GoFrame> Stack, long InuseObjects, long InuseBytes)
{
    public string Signature => string.Join('\n', Stack.Select(f => $"{f.Function} {f.File}:{f.Line}"));

    /// <summary>Where the memory is allocated: the innermost frame outside the runtime.</summary>
    public GoFrame? AllocatedAt => Stack.FirstOrDefault(f => !f.Function.StartsWith("runtime.", StringComparison.Ordinal)) ?? Stack.FirstOrDefault();
}

/// <summary>
/// Reads a Go heap profile (<c>/debug/pprof/heap</c>: gzip'd profile.proto) into what is in use per allocation stack
/// (<c>inuse_objects</c>, <c>inuse_space</c>), as of the last completed garbage collection.
/// </summary>
public static class HeapProfile
{
    /// <summary>Most bytes a profile may take once unzipped.</summary>
    public const int MaxBytes = 256 << 20;

    /// <exception cref="PprofException">Not a gzip'd heap profile.</exception>
    public static IReadOnlyList<HeapSite> Parse(byte[] body)
    {
        Profile profile;
        try
        {
            using MemoryStream unzipped = new();
            using (GZipStream gzip = new(new MemoryStream(body), CompressionMode.Decompress))
            {
                CopyBounded(gzip, unzipped);
            }

            profile = Profile.Parser.ParseFrom(unzipped.ToArray());
        }
        catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException)
        {
            throw new PprofException($"not a Go heap profile (gzip'd profile.proto): {Core.Text.OneLine.Of(e.Message)}");
        }

        string Text(long index) => index >= 0 && index < profile.StringTable.Count ? profile.StringTable[(int)index] : "";
        int objects = IndexOf(profile, Text, "inuse_objects");
        int space = IndexOf(profile, Text, "inuse_space");
        if (objects < 0 || space < 0)
        {
            throw new PprofException($"not a heap profile: its sample types are {string.Join(", ", profile.SampleType.Select(t => Text(t.Type)))}");
        }

        Dictionary<ulong, Function> functions = profile.Function.ToDictionary(f => f.Id);
        Dictionary<ulong, GoFrame[]> locations = profile.Location.ToDictionary(l => l.Id, l => l.Line
            .Select(line => functions.TryGetValue(line.FunctionId, out Function? f)
                ? new GoFrame(Text(f.Name), Text(f.Filename), (int)line.Line_)
                : new GoFrame("?", "?", (int)line.Line_))
            .ToArray());
        Dictionary<string, HeapSite> sites = new(StringComparer.Ordinal);
        foreach (Sample sample in profile.Sample)
        {
            if (sample.Value.Count <= Math.Max(objects, space))
            {
                continue;
            }

            GoFrame[] stack = [.. sample.LocationId.SelectMany(id => locations.TryGetValue(id, out GoFrame[]? frames) ? frames : [])];
            HeapSite site = new(stack, sample.Value[objects], sample.Value[space]);
            sites[site.Signature] = sites.TryGetValue(site.Signature, out HeapSite? seen)
                ? seen with { InuseObjects = seen.InuseObjects + site.InuseObjects, InuseBytes = seen.InuseBytes + site.InuseBytes }
                : site;
        }

        return [.. sites.Values.OrderByDescending(s => s.InuseBytes)];
    }

    private static int IndexOf(Profile profile, Func<long, string> text, string type)
    {
        for (int i = 0; i < profile.SampleType.Count; i++)
        {
            if (text(profile.SampleType[i].Type) == type)
            {
                return i;
            }
        }

        return -1;
    }

    private static void CopyBounded(Stream from, Stream to)
    {
        byte[] buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = from.Read(buffer)) > 0)
        {
            total += read;
            if (total > MaxBytes)
            {
                throw new InvalidDataException($"more than {MaxBytes >> 20} MiB unzipped");
            }

            to.Write(buffer, 0, read);
        }
    }
}

/// <summary>A heap allocation site whose live bytes grew in every step between profiles.</summary>
public sealed record HeapGrowth(HeapSite Site, IReadOnlyList<long> Bytes, IReadOnlyList<long> Objects, double BytesPerSecond)
{
    public long Growth => Bytes[^1] - Bytes[0];
}

public static class HeapGrowthDiff
{
    /// <param name="profiles">The profiles, oldest first, with when each was read (seconds).</param>
    public static IReadOnlyList<HeapGrowth> Growing(IReadOnlyList<(double T, IReadOnlyList<HeapSite> Sites)> profiles)
    {
        Dictionary<string, HeapSite>[] bySignature = [.. profiles.Select(p => p.Sites.ToDictionary(s => s.Signature, StringComparer.Ordinal))];
        long Objects(Dictionary<string, HeapSite> profile, string signature) => profile.TryGetValue(signature, out HeapSite? s) ? s.InuseObjects : 0;
        return [.. EveryStepGrowth.Of<string>([.. profiles.Select((p, i) => (p.T, (IReadOnlyDictionary<string, long>)bySignature[i].ToDictionary(s => s.Key, s => s.Value.InuseBytes, StringComparer.Ordinal)))])
            .Select(g => new HeapGrowth(bySignature[^1][g.Key], g.Values, [.. bySignature.Select(p => Objects(p, g.Key))], g.PerSecond))];
    }
}
