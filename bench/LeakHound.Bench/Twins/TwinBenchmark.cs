using System.Diagnostics;
using System.Globalization;
using System.Text;
using LeakHound.Testing;

namespace LeakHound.Bench.Twins;

/// <summary>
/// LeakCheck on the five incident twins: iterations until the leaky twin fails (doubling the count until it does),
/// false alarms of the fixed twin, against the incidents' hand-written checks measured on the same twins.
/// </summary>
internal static class TwinBenchmark
{
    private static readonly int[] Counts = [10, 20, 40, 80, 160, 320];
    private const int FixedRuns = 3;
    private const int FixedIterations = 200;
    private const int BeforeAfterTrials = 20;

    public static string Run()
    {
        string scratch = Path.GetTempFileName();
        File.WriteAllBytes(scratch, new byte[4096]);
        StringBuilder md = new();
        md.AppendLine("| Incident twin | Signal | LeakCheck: iterations to a failing verdict (+ warm-up), wall time | growth/iteration | Fixed twin: false alarms (LeakCheck, 200 it.) | Before/after ×5: leaky caught | Before/after ×5: fixed alarmed | 1.5 GB threshold: iterations to alarm |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        try
        {
            foreach (TwinCase twin in TwinCase.All(scratch))
            {
                md.AppendLine(Measure(twin));
            }
        }
        finally
        {
            File.Delete(scratch);
        }

        return md.ToString();
    }

    private static string Measure(TwinCase twin)
    {
        (int? found, double seconds, SignalGrowth? growth) = IterationsToVerdict(twin);
        int falseAlarms = 0;
        for (int i = 0; i < FixedRuns; i++)
        {
            falseAlarms += Check(twin, leaky: false, FixedIterations).Growth.Leaks ? 1 : 0;
        }

        int caught = Trials(twin, leaky: true);
        int alarmed = Trials(twin, leaky: false);
        string threshold = twin.Signal.StartsWith("managed heap", StringComparison.Ordinal) && growth is { PerIteration: > 0 } g
            ? (HandWrittenChecks.ThresholdBytes / g.PerIteration).ToString("N0", CultureInfo.InvariantCulture)
            : "– (no count threshold in the incident)";
        string iterations = found is { } n ? $"{n} (+{twin.Warmup}), {seconds:0.00} s" : $"> {Counts[^1]}";
        string perIteration = growth is null ? "–" : $"{Value(twin.Signal, growth.PerIteration)} [{Value(twin.Signal, growth.Low)}, {Value(twin.Signal, growth.High)}]";
        return $"| {twin.Incident} | {twin.Signal} | {iterations} | {perIteration} | {falseAlarms}/{FixedRuns} | {caught}/{BeforeAfterTrials} | {alarmed}/{BeforeAfterTrials} | {threshold} |";
    }

    /// <summary>Doubles the iteration count until the leaky twin fails on its signal; confirms at the next count.</summary>
    private static (int? Iterations, double Seconds, SignalGrowth? Growth) IterationsToVerdict(TwinCase twin)
    {
        for (int i = 0; i < Counts.Length; i++)
        {
            (SignalGrowth growth, double seconds) = Check(twin, leaky: true, Counts[i]);
            if (growth.Leaks && (i + 1 == Counts.Length || Check(twin, leaky: true, Counts[i + 1]).Growth.Leaks))
            {
                return (Counts[i], seconds, growth);
            }
        }

        return (null, 0, null);
    }

    private static (SignalGrowth Growth, double Seconds) Check(TwinCase twin, bool leaky, int iterations)
    {
        TwinInstance instance = twin.Create(leaky);
        try
        {
            Stopwatch clock = Stopwatch.StartNew();
            LeakCheckResult r = LeakCheck.MeasureAsync(iterations, twin.Warmup, instance.Iteration)
                .GetAwaiter().GetResult();
            return (r.Signals.Single(s => s.Signal == twin.Signal), clock.Elapsed.TotalSeconds);
        }
        finally
        {
            instance.CleanUp();
        }
    }

    private static int Trials(TwinCase twin, bool leaky)
    {
        int alarms = 0;
        for (int i = 0; i < BeforeAfterTrials; i++)
        {
            TwinInstance instance = twin.Create(leaky);
            try
            {
                instance.Iteration(); // the hand-written test connects once before counting
                alarms += HandWrittenChecks.BeforeAfter(twin, instance) ? 1 : 0;
            }
            finally
            {
                instance.CleanUp();
            }
        }

        return alarms;
    }

    private static string Value(string signal, double v) => signal.StartsWith("managed heap", StringComparison.Ordinal)
        ? Core.Units.Quantity.FormatBytes(v)
        : v.ToString("0.00", CultureInfo.InvariantCulture);
}
