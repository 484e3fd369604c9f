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
        StringBuilder md = new();
        md.AppendLine("| pages fed | series | points | classifier CPU | wall (all cores) | points/s of CPU | leaks found (1 in 10 planted) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        md.AppendLine(Measure($"{pageSeries} whole series per page", series, seconds, step, pageSeries, pagePoints: int.MaxValue));
        int slice = 1_000_000 / series;
        md.AppendLine(Measure($"all series × {slice} points per page (as `scan` receives them)", series, seconds, step, series, slice));
        return md.ToString();
    }

    /// <summary>Feeds pages of <paramref name="pageSeries"/> series × <paramref name="pagePoints"/> points, each series generated lazily.</summary>
    private static string Measure(string shape, int series, double seconds, double step, int pageSeries, int pagePoints)
    {
        FleetClassifier classifier = new(DetectorOptions.Default);
        Process self = Process.GetCurrentProcess();
        TimeSpan cpu = TimeSpan.Zero;
        Stopwatch wall = new();
        Random rng = new(1);
        long points = 0;
        for (int first = 0; first < series; first += pageSeries)
        {
            // One lazy generator per series of the group: a group is fed in time slices without holding its whole range.
            List<(string Key, IEnumerator<(double T, double V)> Points)> group = [];
            for (int i = first; i < Math.Min(series, first + pageSeries); i++)
            {
                double drift = i % 10 == 0 ? 20 : 0; // one in ten leaks: 20 kB/s (1.2 MB/min) under 5 MB teeth
                group.Add(($"s{i}", SyntheticSeries.Sawtooth(rng, seconds, step, 100e6, 5e6, 600, drift * 1000, 2e5).GetEnumerator()));
            }

            while (true)
            {
                List<(string Key, double[] T, double[] V)> page = [];
                foreach ((string key, IEnumerator<(double T, double V)> source) in group)
                {
                    List<double> t = [];
                    List<double> v = [];
                    while (t.Count < pagePoints && source.MoveNext())
                    {
                        t.Add(source.Current.T);
                        v.Add(source.Current.V);
                    }

                    if (t.Count > 0)
                    {
                        page.Add((key, [.. t], [.. v]));
                        points += t.Count;
                    }
                }

                if (page.Count == 0)
                {
                    break;
                }

                self.Refresh();
                TimeSpan before = self.TotalProcessorTime;
                wall.Start();
                classifier.Feed(page);
                wall.Stop();
                self.Refresh();
                cpu += self.TotalProcessorTime - before;
            }
        }

        self.Refresh();
        TimeSpan rankBefore = self.TotalProcessorTime;
        wall.Start();
        IReadOnlyList<SeriesVerdict> ranked = classifier.Rank(_ => null);
        wall.Stop();
        self.Refresh();
        TimeSpan rankCpu = self.TotalProcessorTime - rankBefore;
        cpu += rankCpu;

        int leaks = ranked.Count(v => v.Verdict == Verdict.Leak);
        return $"| {shape} | {series:N0} | {points:N0} | {cpu.TotalSeconds:0.0} s (final assessments {rankCpu.TotalSeconds:0.0} s) | {wall.Elapsed.TotalSeconds:0.0} s | {points / cpu.TotalSeconds:N0} | {leaks:N0} |";
    }
}
