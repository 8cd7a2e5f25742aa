namespace SslAnomaly.Eval;

/// <summary>A two-sided percentile interval (NaN bounds when no replicate had a defined value).</summary>
public readonly record struct ConfidenceInterval(double Low, double High, double Level)
{
    /// <summary>The percentile interval of <paramref name="replicates"/>, NaNs skipped (numpy's "linear" percentile).</summary>
    public static ConfidenceInterval Percentile(IEnumerable<double> replicates, double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "The level must lie in (0, 1).");
        var sorted = replicates.Where(v => !double.IsNaN(v)).Order().ToArray();
        double tail = (1 - level) / 2;
        return new(Quantile(sorted, tail), Quantile(sorted, 1 - tail), level);
    }

    /// <summary>Quantile q of sorted values with linear interpolation between order statistics (numpy default).</summary>
    public static double Quantile(IReadOnlyList<double> sorted, double q)
    {
        if (sorted.Count == 0) return double.NaN;
        double position = q * (sorted.Count - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
