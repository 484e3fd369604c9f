namespace LeakHound.Core.Statistics;

/// <summary>
/// One-sided sign test: the probability that at least <c>ups</c> of <c>moves</c> fair coin flips come up heads,
/// P(Bin(n, ½) ≥ k). Exact (summed in log space) up to 200 moves, the normal approximation with continuity
/// correction beyond (its error there is far below the levels the detector tests at).
/// </summary>
/// <remarks>
/// Used on the level changes of a count: under "no trend" an up-move and a down-move are equally likely whether the
/// count is a random walk (independent moves: the test is exact) or a pool jittering around its size (moves alternate:
/// the test is conservative). Dixon &amp; Mood (1946), "The statistical sign test", JASA 41(236).
/// </remarks>
public static class SignTest
{
    private const int ExactUpTo = 200;

    /// <summary>ln(n!) for n ≤ <see cref="ExactUpTo"/>.</summary>
    private static readonly double[] s_logFactorial = BuildLogFactorials();

    public static double UpperTail(int ups, int moves)
    {
        if (moves <= 0 || ups <= 0)
        {
            return 1;
        }

        if (ups > moves)
        {
            throw new ArgumentOutOfRangeException(nameof(ups), "more ups than moves");
        }

        if (moves > ExactUpTo)
        {
            double z = (ups - 0.5 - moves / 2.0) / Math.Sqrt(moves / 4.0);
            return NormalDistribution.UpperTail(z);
        }

        // Σ_{i ≥ k} C(n, i) / 2ⁿ, each term from log-gamma, summed from the largest term down.
        double logHalfPowN = -moves * Math.Log(2);
        double sum = 0;
        for (int i = ups; i <= moves; i++)
        {
            sum += Math.Exp(LogChoose(moves, i) + logHalfPowN);
        }

        return Math.Min(1, sum);
    }

    private static double LogChoose(int n, int k) => s_logFactorial[n] - s_logFactorial[k] - s_logFactorial[n - k];

    private static double[] BuildLogFactorials()
    {
        double[] table = new double[ExactUpTo + 1];
        for (int i = 2; i <= ExactUpTo; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }
}
