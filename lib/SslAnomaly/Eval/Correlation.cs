namespace SslAnomaly.Eval;

/// <summary>
/// Rank correlations as scipy.stats defines them: Spearman's rho (Pearson correlation of average ranks)
/// and Kendall's tau-b (ties in either variable corrected), plus a paired bootstrap interval.
/// NaN where undefined (fewer than two distinct values in either variable).
/// </summary>
public static class Correlation
{
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPaired(x, y);
        return Pearson(AverageRanks(x), AverageRanks(y));
    }

    public static double KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPaired(x, y);
        // O(n^2) over pairs: the number of runs is small.
        double concordantMinusDiscordant = 0, pairsUntiedX = 0, pairsUntiedY = 0;
        for (int i = 0; i < x.Count; i++)
            for (int j = i + 1; j < x.Count; j++)
            {
                int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
                concordantMinusDiscordant += sx * sy;
                if (sx != 0) pairsUntiedX++;
                if (sy != 0) pairsUntiedY++;
            }
        double denominator = Math.Sqrt(pairsUntiedX * pairsUntiedY);
        return denominator == 0 ? double.NaN : concordantMinusDiscordant / denominator;
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        CheckPaired(x, y);
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.Count; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy; sxx += dx * dx; syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    /// <summary>1-based ranks, tied values sharing the mean of their ranks (scipy's rankdata "average").</summary>
    public static double[] AverageRanks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) ranks[order[k]] = rank;
            start = end + 1;
        }
        return ranks;
    }

    /// <summary>Percentile interval of a paired statistic over bootstrap resamples of the (x, y) pairs;
    /// resamples where it is undefined are skipped (their count is returned).</summary>
    public static (ConfidenceInterval Interval, int Undefined) BootstrapInterval(
        IReadOnlyList<double> x, IReadOnlyList<double> y, Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic, BootstrapOptions? options = null)
    {
        CheckPaired(x, y);
        options ??= BootstrapOptions.Default;
        options.Validate();
        var values = new double[options.Replicates];
        for (int b = 0; b < options.Replicates; b++)
        {
            var random = new Random(options.ReplicateSeed(b));
            var rows = Enumerable.Range(0, x.Count).Select(_ => random.Next(x.Count)).ToArray();
            values[b] = statistic(rows.Select(i => x[i]).ToArray(), rows.Select(i => y[i]).ToArray());
        }
        return (ConfidenceInterval.Percentile(values, options.Level), values.Count(double.IsNaN));
    }

    static void CheckPaired(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"Paired samples differ in length: {x.Count} and {y.Count}.");
    }
}
