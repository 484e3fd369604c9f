using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Probes.Go;

namespace LeakHound.Bench.Go;

/// <summary>
/// Fetching and diffing a Go program's goroutine dump and heap profile with 10,000 goroutines (Debian's Go builds the
/// program): LeakHound's fetch + parse + diff, against the raw HTTP fetch and against `go tool pprof -top` on the same
/// heap endpoint, measured in the same run.
/// </summary>
internal static class GoProfileBenchmark
{
    private const int Rounds = 10;

    public static string Run(int goroutines)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"leakhound-bench-go-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string binary = Path.Combine(dir, "goroutines");
        string source = Path.Combine(Repo.Root, "bench", "LeakHound.Bench", "Go", "goroutines.go");
        Dictionary<string, string> env = new() { ["GOCACHE"] = Path.Combine(dir, "cache"), ["GO111MODULE"] = "off", ["GOPATH"] = Path.Combine(dir, "gopath") };
        Run("go", ["build", "-o", binary, source], env);
        int port = Repo.FreePort();
        using Process program = Process.Start(new ProcessStartInfo(binary, [port.ToString(CultureInfo.InvariantCulture), goroutines.ToString(CultureInfo.InvariantCulture), "300"])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        try
        {
            if (program.StandardOutput.ReadLine() != "listening")
            {
                throw new InvalidOperationException("the Go program did not start");
            }

            Uri pprof = new($"http://127.0.0.1:{port}/debug/pprof/");
            using PprofEndpoint endpoint = new(pprof, TimeSpan.FromSeconds(60));
            using HttpClient raw = new() { Timeout = TimeSpan.FromSeconds(60) };
            int dumpBytes = raw.GetByteArrayAsync(new Uri(pprof, "goroutine?debug=2")).GetAwaiter().GetResult().Length;
            int countBytes = raw.GetByteArrayAsync(new Uri(pprof, "goroutine?debug=1")).GetAwaiter().GetResult().Length;
            int heapBytes = raw.GetByteArrayAsync(new Uri(pprof, "heap?gc=1")).GetAwaiter().GetResult().Length;
            double rawDump = Time(() => raw.GetByteArrayAsync(new Uri(pprof, "goroutine?debug=2")).GetAwaiter().GetResult());
            double goroutineRead = Time(() => endpoint.GoroutinesAsync(default).GetAwaiter().GetResult());
            double rawCounts = Time(() => raw.GetByteArrayAsync(new Uri(pprof, "goroutine?debug=1")).GetAwaiter().GetResult());
            double countRead = Time(() => endpoint.GoroutineCountsAsync(default).GetAwaiter().GetResult());
            double rawHeap = Time(() => raw.GetByteArrayAsync(new Uri(pprof, "heap?gc=1")).GetAwaiter().GetResult());
            double heapRead = Time(() => endpoint.HeapAsync(default).GetAwaiter().GetResult());
            double explain = Time(() => GoExplainer.RunAsync(endpoint, null, 0, 3, 10, _ => { }, default).GetAwaiter().GetResult(), rounds: 3);
            double goTool = Time(() => Run("go", ["tool", "pprof", "-top", "-sample_index=inuse_space", new Uri(pprof, "heap?gc=1").AbsoluteUri], env), rounds: 3);
            int stacks = endpoint.GoroutinesAsync(default).GetAwaiter().GetResult().Count;

            StringBuilder md = new();
            md.AppendLine(CultureInfo.InvariantCulture, $"A Go 1.19 program with {goroutines:N0} goroutines in {stacks} distinct stacks, each keeping 1 KiB: goroutine dump (debug=2) {dumpBytes / 1024.0:N0} KiB, goroutine profile (debug=1) {countBytes / 1024.0:N0} KiB, heap profile {heapBytes / 1024.0:N0} KiB gzip'd.");
            md.AppendLine();
            md.AppendLine("| what | ms |");
            md.AppendLine("|---|---:|");
            Row(md, "raw HTTP GET of the goroutine dump", rawDump);
            Row(md, "LeakHound: goroutine dump fetched and parsed into stacks", goroutineRead);
            Row(md, "raw HTTP GET of the goroutine profile (debug=1: counted per stack by Go)", rawCounts);
            Row(md, "LeakHound: goroutine profile fetched and parsed into counted stacks", countRead);
            Row(md, "raw HTTP GET of the heap profile (gc=1: the program runs a collection first)", rawHeap);
            Row(md, "LeakHound: heap profile fetched, unzipped and parsed into allocation stacks", heapRead);
            Row(md, "LeakHound `explain`: 3 snapshots of goroutine counts and heap, back to back, and both diffs (nothing grows: no dump read)", explain);
            Row(md, "`go tool pprof -top -sample_index=inuse_space` of the heap endpoint (start-up included)", goTool);
            return md.ToString();
        }
        finally
        {
            program.Kill();
            program.WaitForExit();
            Directory.Delete(dir, recursive: true);
        }
    }

    private static void Row(StringBuilder md, string what, double seconds) =>
        md.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {seconds * 1000:0.0} |"));

    /// <summary>Median wall time of a few runs after one warm-up.</summary>
    private static double Time(Action once, int rounds = Rounds)
    {
        once();
        double[] seconds = new double[rounds];
        for (int i = 0; i < rounds; i++)
        {
            Stopwatch sw = Stopwatch.StartNew();
            once();
            seconds[i] = sw.Elapsed.TotalSeconds;
        }

        Array.Sort(seconds);
        return seconds[rounds / 2];
    }

    private static void Run(string file, string[] args, Dictionary<string, string> env)
    {
        ProcessStartInfo info = new(file, args) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach ((string k, string v) in env)
        {
            info.Environment[k] = v;
        }

        using Process p = Process.Start(info)!;
        Task<string> output = p.StandardOutput.ReadToEndAsync();
        string error = p.StandardError.ReadToEnd();
        output.Wait();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {error}");
        }
    }
}
