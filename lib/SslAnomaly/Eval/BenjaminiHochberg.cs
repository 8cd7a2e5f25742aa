namespace SslAnomaly.Eval;

/// <summary>
/// Benjamini-Hochberg adjusted p-values (q-values): rejecting every test with q &lt; alpha keeps the expected share of
/// false discoveries among the rejections at or below alpha, for independent or positively dependent tests. Each q is
/// min over j &gt;= rank of p_(j) m / j, capped at 1, so q is never below its p and keeps the order of the p-values.
/// </summary>
public static class BenjaminiHochberg
{
    /// <summary>One q per p, in the input's order. NaN p-values (tests with no defined replicate) get NaN and do not count
    /// towards the family's size m: a test that was not made cannot be a discovery.</summary>
    public static double[] QValues(IReadOnlyList<double> pValues)
    {
        foreach (var p in pValues)
            if (!double.IsNaN(p) && !(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(pValues), p, "p-values must lie in [0, 1].");
        var q = Enumerable.Repeat(double.NaN, pValues.Count).ToArray();
        var ranked = Enumerable.Range(0, pValues.Count).Where(i => !double.IsNaN(pValues[i])).OrderBy(i => pValues[i]).ToArray();
        int m = ranked.Length;
        double running = 1;
        for (int rank = m; rank >= 1; rank--)
        {
            int i = ranked[rank - 1];
            // m / rank first: a factor of at least 1, so rounding never puts q below its p (at rank m it is exactly p).
            running = Math.Min(running, pValues[i] * ((double)m / rank));
            q[i] = running;
        }
        return q;
    }
}
