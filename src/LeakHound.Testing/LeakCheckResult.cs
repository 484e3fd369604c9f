using System.Text;

namespace LeakHound.Testing;

/// <summary>The outcome of <see cref="LeakCheck.RunAsync(int, int, Func{Task}, LeakCheckOptions?)"/>.</summary>
public sealed record LeakCheckResult(int Iterations, int Warmup, IReadOnlyList<SignalGrowth> Signals)
{
    public bool Leaks => Signals.Any(s => s.Leaks);

    /// <summary>Throws <see cref="LeakDetectedException"/> (failing the test) when any signal leaks.</summary>
    public LeakCheckResult AssertNoLeak()
    {
        if (Leaks)
        {
            throw new LeakDetectedException(Describe());
        }

        return this;
    }

    /// <summary>A message a developer can act on: what grows, by how much per iteration, with what confidence.</summary>
    public string Describe()
    {
        StringBuilder text = new();
        text.AppendLine(Leaks
            ? $"Leak: {string.Join(", ", Signals.Where(s => s.Leaks).Select(s => s.Signal))} grew with every iteration ({Iterations} iterations after {Warmup} warm-up)."
            : $"No leak in {Iterations} iterations after {Warmup} warm-up.");
        foreach (SignalGrowth s in Signals.OrderByDescending(s => s.Leaks))
        {
            text.AppendLine("  " + s);
        }

        return text.ToString();
    }
}

/// <summary>A leak check failed; the message lists the growing signals and their rates per iteration.</summary>
public sealed class LeakDetectedException(string message) : Exception(message);
