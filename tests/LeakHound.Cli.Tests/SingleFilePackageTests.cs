using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace LeakHound.Cli.Tests;

/// <summary>
/// The self-contained single files of scripts/publish.sh (linux-x64 and linux-arm64) and the tool package of
/// <c>dotnet pack</c>. .ci/run builds them before the tests (a publish beside the timing-sensitive watches would load the
/// machine) and names the folder in $LEAKHOUND_PUBLISHED; without it, they are built here, once for the class.
/// </summary>
public sealed class PublishedPackages : IDisposable
{
    private readonly bool _own;

    public PublishedPackages()
    {
        if (Environment.GetEnvironmentVariable("LEAKHOUND_PUBLISHED") is { Length: > 0 } built)
        {
            Folder = built;
            PublishOutput = PackOutput = new ProcessResult(0, $"built by .ci/run into {built}", "");
            return;
        }

        _own = true;
        Folder = Path.Combine(Path.GetTempPath(), $"leakhound-publish-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Folder);
        ProcessResult publish = ChildProcess.RunAsync("bash", [Path.Combine(Repo.Root, "scripts", "publish.sh"), "--out", Folder, "linux-x64", "linux-arm64"], 600)
            .GetAwaiter().GetResult();
        PublishOutput = publish;
        ProcessResult pack = ChildProcess.RunAsync("dotnet", ["pack", Path.Combine(Repo.Root, "src", "LeakHound.Cli", "LeakHound.Cli.csproj"),
            "-c", "Release", "--no-build", "-o", Folder, "-nologo", "-v", "quiet"], 300).GetAwaiter().GetResult();
        PackOutput = pack;
    }

    public string Folder { get; }

    internal ProcessResult PublishOutput { get; }

    internal ProcessResult PackOutput { get; }

    public string SingleFile(string rid)
    {
        string path = Path.Combine(Folder, rid, "leakhound");
        Assert.True(File.Exists(path), $"scripts/publish.sh did not write {path}\n{PublishOutput}");
        return path;
    }

    public void Dispose()
    {
        if (_own)
        {
            Directory.Delete(Folder, recursive: true);
        }
    }
}

/// <summary>
/// The single-file leakhound runs every kind of command with no .NET on the machine's PATH and no DOTNET_ROOT: the
/// store (SQLite's native library), PNG charts (SkiaSharp's), the launched tree and its guard, and heap diffs, also of a
/// target that is itself a single file.
/// </summary>
public sealed class SingleFilePackageTests(PublishedPackages packages) : IClassFixture<PublishedPackages>
{
    /// <summary>A PATH with the few programs a watch uses (the guard shell, tail, grep; the watched sleep), and no dotnet.</summary>
    private static readonly Lazy<string> BareBin = new(() =>
    {
        string bin = Path.Combine(Path.GetTempPath(), $"leakhound-bare-bin-{Environment.ProcessId}");
        Directory.CreateDirectory(bin);
        foreach (string tool in new[] { "sh", "sleep", "tail", "grep", "kill", "cat", "env" })
        {
            string link = Path.Combine(bin, tool);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, Path.Combine("/usr/bin", tool));
            }
        }

        return bin;
    });

    private static ProcessStartInfo Bare(string program, string home, IEnumerable<string> args)
    {
        ProcessStartInfo info = new(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.Environment.Clear();
        info.Environment["PATH"] = BareBin.Value;
        info.Environment["HOME"] = home;
        info.Environment["XDG_DATA_HOME"] = Path.Combine(home, "data");
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        return info;
    }

    private Task<ProcessResult> RunBareAsync(string home, params string[] args) =>
        ChildProcess.CompleteAsync(Process.Start(Bare(packages.SingleFile("linux-x64"), home, args))!, $"single-file leakhound {string.Join(' ', args)}", 180);

    private static string NewHome()
    {
        string home = Path.Combine(Path.GetTempPath(), $"leakhound-bare-home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(home);
        return home;
    }

    [Fact]
    public async Task WithoutDotnet_RunsAWatch_KeepsItsHistory_AndDrawsPngCharts()
    {
        string home = NewHome();
        Assert.False(File.Exists(Path.Combine(BareBin.Value, "dotnet")));

        ProcessResult version = await RunBareAsync(home, "--version");
        Assert.True(version.ExitCode == 0, version.ToString());
        Assert.StartsWith("0.", version.Stdout.Trim());

        string trace = Path.Combine(home, "trace.csv");
        ProcessResult run = await RunBareAsync(home, "run", "--duration", "3s", "--interval", "200ms", "--out", trace, "--", "sleep", "30");
        Assert.True(run.ExitCode is 0 or 4, run.ToString());
        Assert.True(File.Exists(Path.Combine(home, "data", "leakhound", "history.db")), "the default store was not written");

        ProcessResult history = await RunBareAsync(home, "history");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Contains("sleep 30", history.Stdout);

        string png = Path.Combine(home, "png");
        ProcessResult report = await RunBareAsync(home, "report", trace, "-o", Path.Combine(home, "report.html"), "--png", png);
        Assert.True(report.ExitCode == 0, report.ToString());
        string rss = Path.Combine(png, "rss.png");
        Assert.True(File.Exists(rss), report.ToString());
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, File.ReadAllBytes(rss)[..4]);
    }

    [Fact]
    public async Task WithoutDotnet_HeapDiffOfASingleFileTarget_NamesTheGrowingType()
    {
        string home = NewHome();
        // The target is the single file itself: a .NET app that carries its runtime, with no libcoreclr.so on disk.
        using Process target = Process.Start(Bare(packages.SingleFile("linux-x64"), home,
            ["demo-target", "contactcache", "--tick", "0.1", "--period", "100", "--max-seconds", "90"]))!;
        try
        {
            await Task.Delay(2000);
            ProcessResult diff = await RunBareAsync(home, "heapdiff", "--pid", target.Id.ToString(), "--interval", "2s", "--format", "json", "--top", "3");
            Assert.True(diff.ExitCode == 1, diff.ToString());
            JsonElement first = JsonVerdicts.Parse(diff.Stdout).Document.RootElement.GetProperty("growing")[0];
            Assert.Equal("LeakHound.Cli.Demo.Contact", first.GetProperty("type").GetString());
        }
        finally
        {
            target.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Arm64File_IsAnAarch64Executable()
    {
        byte[] header = new byte[20];
        using (FileStream f = File.OpenRead(packages.SingleFile("linux-arm64")))
        {
            f.ReadExactly(header);
        }

        Assert.Equal(new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F' }, header[..4]);
        Assert.Equal(183, BitConverter.ToUInt16(header, 18)); // e_machine EM_AARCH64
        Assert.InRange(new FileInfo(packages.SingleFile("linux-arm64")).Length, 20L << 20, 90L << 20);
    }

    [Fact]
    public void ToolPackage_CarriesOnlyTheLinuxNativeLibraries()
    {
        string? nupkg = Directory.EnumerateFiles(packages.Folder, "*.nupkg").FirstOrDefault();
        Assert.True(nupkg is not null, packages.PackOutput.ToString());
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        string[] runtimes = [.. zip.Entries.Select(e => e.FullName).Where(n => n.Contains("/runtimes/", StringComparison.Ordinal))
            .Select(n => n[(n.IndexOf("/runtimes/", StringComparison.Ordinal) + "/runtimes/".Length)..].Split('/')[0]).Distinct()];
        Assert.NotEmpty(runtimes);
        Assert.All(runtimes, r => Assert.Contains(r, new[] { "linux-x64", "linux-arm64", "linux", "unix" }));
        Assert.Contains(zip.Entries, e => e.FullName.EndsWith("runtimes/linux-x64/native/libe_sqlite3.so", StringComparison.Ordinal));
        Assert.DoesNotContain(zip.Entries, e => e.Name == "msdia140.dll");
        Assert.InRange(new FileInfo(nupkg).Length, 1L << 20, 30L << 20);
    }
}
