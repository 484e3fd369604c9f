using System.CommandLine;
using LeakHound.Cli.Demo;

namespace LeakHound.Cli.Commands;

/// <summary>Hidden <c>leakhound demo-target KIND</c>: runs one of the sample programs in this process (used by demo and tests).</summary>
internal static class DemoTargetCommand
{
    private static readonly Argument<string> Kind = new("kind") { Description = string.Join("; ", DemoTarget.Kinds.Select(k => $"{k.Key}: {k.Value}")) };
    private static readonly Option<double> Tick = new("--tick") { Description = "Seconds per tick", DefaultValueFactory = _ => 0.1 };
    private static readonly Option<int> BytesPerTick = new("--bytes-per-tick") { DefaultValueFactory = _ => 256 * 1024 };
    private static readonly Option<int> Period = new("--period") { DefaultValueFactory = _ => 30 };
    private static readonly Option<double> MaxSeconds = new("--max-seconds") { DefaultValueFactory = _ => 600 };
    private static readonly Option<double> FullGcEvery = new("--full-gc-every") { Description = "Seconds between full collections the target asks for (0: leave it to the GC)", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        Command command = new("demo-target", "Run a built-in sample target (leak, sawtooth, plateau, step, fdleak, threadleak, threadpool)") { Hidden = true };
        command.Arguments.Add(Kind);
        foreach (Option o in new Option[] { Tick, BytesPerTick, Period, MaxSeconds, FullGcEvery })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, cancel) =>
        {
            string kind = parse.GetValue(Kind)!;
            if (!DemoTarget.Kinds.ContainsKey(kind))
            {
                throw new LeakHoundException($"unknown target kind '{kind}' (known: {string.Join(", ", DemoTarget.Kinds.Keys)})");
            }

            TargetSettings settings = new()
            {
                TickSeconds = parse.GetValue(Tick),
                BytesPerTick = parse.GetValue(BytesPerTick),
                Period = parse.GetValue(Period),
                MaxSeconds = parse.GetValue(MaxSeconds),
                FullGcEverySeconds = parse.GetValue(FullGcEvery),
            };
            if (settings.TickSeconds <= 0 || settings.BytesPerTick <= 0 || settings.Period <= 0 || settings.MaxSeconds <= 0 || settings.FullGcEverySeconds < 0)
            {
                throw new LeakHoundException("--tick, --bytes-per-tick, --period and --max-seconds must be positive, --full-gc-every not negative");
            }

            return DemoTarget.RunAsync(kind, settings, cancel);
        });
        return command;
    }
}
