using System.Runtime.InteropServices;
using LeakHound.Bench.Detection;
using LeakHound.Bench.Sampling;
using LeakHound.Bench.Scrape;
using LeakHound.Bench.Throughput;

// dotnet run -c Release --project bench/LeakHound.Bench -- [detection|sampling|throughput|scrape|heap|go|node [MB …]|twins|hosting|scan|scan-http|all|fuzz [N]]
// Prints Markdown for docs/benchmarks.md; every comparison is measured in this same run.
string what = args.Length > 0 ? args[0] : "all";
if (what == "heap-target")
{
    LeakHound.Bench.Heap.HeapSnapshotBenchmark.HoldHeap(int.Parse(args[1]));
    return;
}

Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, {DateTime.UtcNow:yyyy-MM-dd}");
Console.WriteLine();
if (what is "detection" or "all")
{
    Console.WriteLine("## Detection");
    Console.WriteLine(DetectionBenchmark.Run());
}

if (what is "targets" or "all")
{
    Console.WriteLine("## Many targets");
    int[] counts = args.Length > 1 ? [.. args[1].Split(',').Select(int.Parse)] : [100, 500, 1000];
    Console.WriteLine(LeakHound.Bench.Targets.TargetsBenchmark.Run(counts));
}

if (what is "fuzz")
{
    // Not part of "all": 100,000 inputs per parser take tens of minutes.
    int inputs = args.Length > 1 ? int.Parse(args[1]) : 100_000;
    Console.WriteLine($"## Fuzzing ({inputs:N0} mutated inputs per parser, seed 1)");
    Console.WriteLine();
    Console.WriteLine("| Parser | Inputs | Refused (one line) | Crashes | Hangs (> 5 s) | Worst allocation per input | Slowest input |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (FuzzTarget target in FuzzTargets.All())
    {
        FuzzResult result = Fuzzer.Run(target, target.Name == "store reader" ? Math.Min(inputs, 20_000) : inputs, seed: 1);
        Console.WriteLine(result.ToMarkdownRow());
        if (result.FirstCrash is { } first)
        {
            Console.Error.WriteLine($"{target.Name}: {first}");
        }
    }

    return;
}

if (what is "sampling" or "all")
{
    Console.WriteLine("## Sampling cost");
    Console.WriteLine(SamplingBenchmark.Run());
}

if (what is "scrape" or "all")
{
    Console.WriteLine("## Prometheus scrape and parse");
    Console.WriteLine(ScrapeBenchmark.Run());
}

if (what is "heap" or "all")
{
    Console.WriteLine("## Heap snapshot cost");
    Console.WriteLine(LeakHound.Bench.Heap.HeapSnapshotBenchmark.Run([100, 1000]));
}

if (what is "go" or "all")
{
    Console.WriteLine("## Go: goroutine dump and heap profile");
    Console.WriteLine(LeakHound.Bench.Go.GoProfileBenchmark.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000));
}

if (what is "node" or "all")
{
    Console.WriteLine("## Node: sampling profile and heap snapshot, cost to the target and analysis against memlab");
    Console.WriteLine(LeakHound.Bench.Node.NodeHeapBenchmark.Run(args.Length > 1 ? [.. args[1..].Select(int.Parse)] : [100, 500]));
}

if (what is "twins" or "all")
{
    Console.WriteLine("## Incident twins: LeakCheck against the hand-written checks");
    Console.WriteLine(LeakHound.Bench.Twins.TwinBenchmark.Run());
    Console.WriteLine("## Incident twins: leakhound run/soak");
    Console.WriteLine(LeakHound.Bench.Twins.WatchTwinBenchmark.Run());
}

if (what is "hosting" or "all")
{
    Console.WriteLine("## LeakHound.Hosting overhead");
    Console.WriteLine(LeakHound.Bench.Hosting.HostingOverheadBenchmark.Run());
}

if (what is "scan" or "all")
{
    Console.WriteLine("## Fleet scan classification");
    Console.WriteLine(LeakHound.Bench.Scan.ScanBenchmark.Run());
}

if (what is "scan-http" or "all")
{
    Console.WriteLine("## Fleet scan through a real Prometheus");
    Console.WriteLine(LeakHound.Bench.Scan.ScanTransferBenchmark.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000));
}

if (what is "throughput" or "all")
{
    Console.WriteLine("## Analysis throughput and memory");
    Console.WriteLine(ThroughputBenchmark.Run(args.Length > 1 ? long.Parse(args[1]) : 10_000_000));
}
