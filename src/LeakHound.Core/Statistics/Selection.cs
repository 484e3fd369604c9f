namespace LeakHound.Core.Statistics;

/// <summary>Order statistics in O(n) expected time (Hoare's quickselect), used instead of sorting the O(n²) pairwise slopes.</summary>
internal static class Selection
{
    /// <summary>The k-th smallest (0-based) element; reorders <paramref name="values"/>.</summary>
    public static double Select(Span<double> values, int k)
    {
        if ((uint)k >= (uint)values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(k));
        }

        int left = 0;
        int right = values.Length - 1;
        while (left < right)
        {
            double pivot = MedianOfThree(values[left], values[left + (right - left) / 2], values[right]);
            int i = left;
            int j = right;
            while (i <= j)
            {
                while (values[i] < pivot) { i++; }
                while (values[j] > pivot) { j--; }
                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            if (k <= j) { right = j; }
            else if (k >= i) { left = i; }
            else { return values[k]; }
        }

        return values[k];
    }

    /// <summary>Median (mean of the two middle values for even length); reorders the span.</summary>
    public static double Median(Span<double> values)
    {
        if (values.Length == 0)
        {
            return double.NaN;
        }

        int mid = values.Length / 2;
        double upper = Select(values, mid);
        if (values.Length % 2 == 1)
        {
            return upper;
        }

        // After selecting mid, everything left of it is ≤ upper: the lower middle is their maximum.
        double lower = double.NegativeInfinity;
        foreach (double v in values[..mid])
        {
            lower = Math.Max(lower, v);
        }

        return (lower + upper) / 2;
    }

    private static double MedianOfThree(double a, double b, double c) =>
        Math.Max(Math.Min(a, b), Math.Min(Math.Max(a, b), c));
}
