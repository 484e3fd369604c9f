using System.Diagnostics;
using System.Text;

namespace LeakHound.TestSupport;

// Linked as source into the CLI tests (a bounded run in CI) and the benchmark (the full run for docs/benchmarks.md).
// Mutation fuzzing from valid seeds, in the manner of AFL's havoc stage: a hand-written mutator because the inputs are
// text formats whose interesting faults are numbers, quotes, brackets and line structure, which a byte-level .NET
// fuzzer (SharpFuzz needs an instrumented build and a native driver) would reach far more slowly.

/// <summary>One parser under fuzzing: valid seeds, the call, and the one exception type that is its documented refusal.</summary>
/// <param name="Name">Shown in the results.</param>
/// <param name="Seeds">Valid inputs to mutate.</param>
/// <param name="Parse">Reads one input (and uses what it read, as the tool would).</param>
/// <param name="IsRefusal">A clear refusal of bad input (the tool's one-line error); any other exception is a crash.</param>
internal sealed record FuzzTarget(string Name, string[] Seeds, Action<string> Parse, Func<Exception, bool> IsRefusal);

/// <summary>What one fuzzing run found.</summary>
internal sealed record FuzzResult(string Name, int Inputs, int Refused, int Crashes, int Hangs, long WorstAllocatedBytes, double WorstMilliseconds,
    string? FirstCrash)
{
    public string ToMarkdownRow() =>
        $"| {Name} | {Inputs:N0} | {Refused:N0} | {Crashes} | {Hangs} | {WorstAllocatedBytes / 1024.0 / 1024.0:0.0} MiB | {WorstMilliseconds:0} ms |";
}

internal static class Fuzzer
{
    /// <summary>A parse that takes longer than this is a hang: every input here is at most a few hundred kilobytes.</summary>
    public static readonly TimeSpan HangAfter = TimeSpan.FromSeconds(5);

    private static readonly string[] s_tokens =
    [
        "\n", "\r\n", "\r", ",", "\"", "'", "{", "}", "[", "]", "=", " ", "\t", "\\", "#", ":", "\0", "\u00e9", "\ud83d\ude00", "\uffff", "\ud800",
        "NaN", "nan", "+Inf", "-Inf", "Infinity", "1e308", "1e309", "-1e309", "1e300", "-0", "0", "-1", "4294967296", "9223372036854775808",
        "1E+07", "0x1F", "5e-324", "00000000000000000000001", "null", "true", "false", "# TYPE x gauge\n", "# HELP x y\n", "# EOF\n",
        "t_seconds,series,value\n", "{\"t\":1,\"series\":\"rss\",\"value\":2}\n", "le=\"+Inf\"", "_bucket", "_total",
    ];

    /// <summary>Mutates <paramref name="seed"/> 1–8 times: flips, inserts of tokens, deletions, duplications, splices, truncations.</summary>
    public static string Mutate(string seed, string[] seeds, Random random)
    {
        StringBuilder text = new(seed);
        int rounds = 1 + random.Next(8);
        for (int r = 0; r < rounds; r++)
        {
            int at = text.Length == 0 ? 0 : random.Next(text.Length + 1);
            switch (random.Next(8))
            {
                case 0 when text.Length > 0 && at < text.Length:
                    text[at] = (char)random.Next(0, 128);
                    break;
                case 1:
                case 2:
                    text.Insert(at, s_tokens[random.Next(s_tokens.Length)]);
                    break;
                case 3 when text.Length > 0:
                    text.Remove(Math.Min(at, text.Length - 1), Math.Min(1 + random.Next(16), text.Length - Math.Min(at, text.Length - 1)));
                    break;
                case 4 when text.Length > 0:
                    int start = random.Next(text.Length);
                    string chunk = text.ToString(start, Math.Min(1 + random.Next(64), text.Length - start));
                    int copies = random.Next(4) == 0 ? 200 : 1 + random.Next(3); // now and then a long repetition
                    for (int i = 0; i < copies && text.Length < 256 * 1024; i++)
                    {
                        text.Insert(at, chunk);
                    }

                    break;
                case 5:
                    string other = seeds[random.Next(seeds.Length)];
                    int from = other.Length == 0 ? 0 : random.Next(other.Length);
                    text.Insert(at, other[from..]);
                    break;
                case 6 when text.Length > 0:
                    text.Length = at;
                    break;
                default:
                    text.Insert(at, random.Next(5) switch
                    {
                        0 => random.NextDouble().ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        1 => (random.NextDouble() * Math.Pow(10, random.Next(-320, 320))).ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                        2 => random.NextInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
                        3 => new string('9', 1 + random.Next(400)),
                        _ => "-" + random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    });
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Feeds <paramref name="inputs"/> mutated inputs to the target (the same seed gives the same inputs). Each runs on a
    /// worker thread so that a hang is counted and left behind instead of stopping the run.
    /// </summary>
    public static FuzzResult Run(FuzzTarget target, int inputs, int seed)
    {
        Random random = new(seed);
        int refused = 0, crashes = 0, hangs = 0;
        long worstBytes = 0;
        double worstMs = 0;
        string? firstCrash = null;
        for (int i = 0; i < inputs; i++)
        {
            string input = i < target.Seeds.Length ? target.Seeds[i] : Mutate(target.Seeds[random.Next(target.Seeds.Length)], target.Seeds, random);
            Exception? thrown = null;
            long allocated = 0;
            Stopwatch clock = Stopwatch.StartNew();
            Thread worker = new(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    target.Parse(input);
                }
                catch (Exception e)
                {
                    thrown = e;
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }, 64 * 1024 * 1024) { IsBackground = true };
            worker.Start();
            if (!worker.Join(HangAfter))
            {
                hangs++;
                firstCrash ??= $"hang on input {i}: {Shorten(input)}";
                continue;
            }

            worstMs = Math.Max(worstMs, clock.Elapsed.TotalMilliseconds);
            worstBytes = Math.Max(worstBytes, allocated);
            if (thrown is null)
            {
                continue;
            }

            if (target.IsRefusal(thrown) && thrown.Message.Length is > 0 and <= 600 && !thrown.Message.Contains('\n'))
            {
                refused++;
            }
            else
            {
                crashes++;
                string where = thrown.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("LeakHound", StringComparison.Ordinal))?.Trim() ?? "";
                firstCrash ??= $"{thrown.GetType().Name}: {Shorten(thrown.Message)} {where} on input {i}: {Shorten(input)}";
            }
        }

        return new FuzzResult(target.Name, inputs, refused, crashes, hangs, worstBytes, worstMs, firstCrash);
    }

    private static string Shorten(string text) => LeakHound.Core.Text.OneLine.Of(text, 300);
}
