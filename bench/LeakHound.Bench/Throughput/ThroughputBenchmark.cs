using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;

namespace LeakHound.Bench.Throughput;

/// <summary>Points per second through the online detector, and its own memory as the series grows to 10 million samples.</summary>
internal static class ThroughputBenchmark
{
    public static string Run(long total)
    {
        SeriesDetector detector = new("rss");
        Random rng = new(1);
        StringBuilder md = new();
        md.AppendLine("| samples fed | seconds | points/s | managed heap after full GC | allocated per sample | verdict |");
        md.AppendLine("|---|---|---|---|---|---|");
        long fed = 0;
        long checkpoint = 1_000_000;
        Stopwatch sw = Stopwatch.StartNew();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        // A sawtooth with a slow leak, generated on the fly so the input itself takes no memory.
        double floor = 100e6;
        while (fed < total)
        {
            double phase = fed % 30 / 30.0;
            double value = floor + 2e3 * fed / 1000.0 + 50e6 * phase + 1e6 * SyntheticSeries.Gaussian(rng);
            detector.Add(fed, value);
            fed++;
            if (fed == checkpoint || fed == total)
            {
                double seconds = sw.Elapsed.TotalSeconds;
                long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                long heap = GC.GetTotalMemory(forceFullCollection: true);
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {fed:N0} | {seconds:0.00} | {fed / seconds:N0} | {heap / 1024.0 / 1024:0.00} MiB | {(double)allocated / fed:0.0} B | {detector.Current.Verdict} |"));
                checkpoint = Math.Min(total, checkpoint * 2);
                sw.Start();
            }
        }

        md.AppendLine();
        md.AppendLine($"History buckets kept: {detector.History.Buckets.Length} of {detector.History.Capacity} (width {detector.History.Width:0} s).");
        return md.ToString();
    }
}
