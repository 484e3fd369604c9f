using System.Diagnostics;
using System.Text;
using LeakHound.Core.Detection;
using LeakHound.Core.Simulation;
using LeakHound.Core.Verdicts;

namespace LeakHound.Bench.Scan;

/// <summary>
/// The classification half of <c>leakhound scan</c>: 10,000 series × one day at 15 s (57.6 M points) fed page by page to
/// the FleetClassifier on all cores, CPU time measured around the classifier only (generating the points is not counted;
/// the HTTP transfer is measured by the scan itself and reported in its JSON).
/// </summary>
internal static class ScanBenchmark
{
    public static string Run(int series = 10_000, double seconds = 86_400, double step = 15, int pageSeries = 250)
    {
        FleetClassifier classifier = new(DetectorOptions.Default);
        Process self = Process.GetCurrentProcess();
        TimeSpan cpu = TimeSpan.Zero;
        Stopwatch wall = new();
        Random rng = new(1);
        long points = 0;
        for (int first = 0; first < series; first += pageSeries)
        {
            List<(string Key, double[] T, double[] V)> page = [];
            for (int i = first; i < Math.Min(series, first + pageSeries); i++)
            {
                double drift = i % 10 == 0 ? 20 : 0; // one in ten leaks: 20 kB/s (1.2 MB/min) under 5 MB teeth
                (double T, double V)[] s = [.. SyntheticSeries.Sawtooth(rng, seconds, step, 100e6, 5e6, 600, drift * 1000, 2e5)];
                page.Add(($"s{i}", [.. s.Select(p => p.T)], [.. s.Select(p => p.V)]));
                points += s.Length;
            }

            self.Refresh();
            TimeSpan before = self.TotalProcessorTime;
            wall.Start();
            classifier.Feed(page);
            wall.Stop();
            self.Refresh();
            cpu += self.TotalProcessorTime - before;
        }

        self.Refresh();
        TimeSpan rankBefore = self.TotalProcessorTime;
        wall.Start();
        IReadOnlyList<SeriesVerdict> ranked = classifier.Rank(_ => null);
        wall.Stop();
        self.Refresh();
        cpu += self.TotalProcessorTime - rankBefore;

        int leaks = ranked.Count(v => v.Verdict == Verdict.Leak);
        StringBuilder md = new();
        md.AppendLine("| series | points | classifier CPU | wall (all cores) | points/s of CPU | leaks found (1 in 10 planted) |");
        md.AppendLine("|---|---|---|---|---|---|");
        md.AppendLine($"| {series:N0} | {points:N0} | {cpu.TotalSeconds:0.0} s | {wall.Elapsed.TotalSeconds:0.0} s | {points / cpu.TotalSeconds:N0} | {leaks:N0} |");
        return md.ToString();
    }
}
