namespace SslAnomaly.Eval.OneClass;

/// <summary>A covariance matrix shrunk towards a scaled identity: (1 - Shrinkage) S + Shrinkage mu I, mu = trace(S) / d.</summary>
/// <param name="Values">Row-major [Dim, Dim].</param>
/// <param name="Target">mu, the mean variance: the identity's scale.</param>
public sealed record ShrunkCovariance(double[] Values, int Dim, double Shrinkage, double Target);

/// <summary>
/// Ledoit &amp; Wolf's (2004) covariance estimate, as scikit-learn's <c>LedoitWolf</c> computes it: the empirical
/// covariance S (divided by n) shrunk towards mu I by the amount that minimises the expected squared Frobenius error,
/// estimated from the data. Why shrink: a pool of a few thousand 512-dim features gives a covariance whose small
/// eigenvalues are far too small (and zero when n &lt;= d), and the Mahalanobis distance divides by them; a fixed ridge
/// would need tuning per backbone and feature scale, Ledoit-Wolf picks its amount from the pool and needs none.
/// </summary>
public static class LedoitWolf
{
    /// <param name="centred">Row-major [n, dim] rows whose column means are zero (the caller subtracts the mean).</param>
    public static ShrunkCovariance Fit(double[] centred, int dim)
    {
        if (dim <= 0 || centred.Length % dim != 0) throw new ArgumentException($"{centred.Length} values are not whole {dim}-wide rows.", nameof(centred));
        int n = centred.Length / dim;
        if (n == 0) throw new ArgumentException("A covariance needs at least one row.", nameof(centred));

        // S = X^T X / n from the columns of X, each entry summed in one fixed order (DenseMath).
        var columns = Transpose(centred, n, dim);
        var s = DenseMath.MultiplyByTranspose(columns, columns, n);
        for (int i = 0; i < s.Length; i++) s[i] /= n;

        double trace = 0, frobenius2 = 0;
        for (int j = 0; j < dim; j++) trace += s[j * dim + j];
        foreach (var v in s) frobenius2 += v * v;
        double mu = trace / dim;
        double fourthMoment = 0;   // sum over rows of |x_k|^4 (scikit-learn's beta_, the sum of (X^2)^T X^2)
        for (int k = 0; k < n; k++)
        {
            var row = centred.AsSpan(k * dim, dim);
            double norm2 = DenseMath.Dot(row, row);
            fourthMoment += norm2 * norm2;
        }
        double shrinkage = Amount(fourthMoment, frobenius2, mu, n, dim);
        var shrunk = new double[s.Length];
        for (int i = 0; i < s.Length; i++) shrunk[i] = (1 - shrinkage) * s[i];
        for (int j = 0; j < dim; j++) shrunk[j * dim + j] += shrinkage * mu;
        return new ShrunkCovariance(shrunk, dim, shrinkage, mu);
    }

    /// <summary>
    /// scikit-learn's <c>ledoit_wolf_shrinkage</c>: delta = |S - mu I|_F^2 / d estimates how far S is from the target,
    /// beta = (sum_k |x_k|^4 / n - |S|_F^2) / (d n) how noisy S is; the shrinkage is min(beta, delta) / delta. One feature
    /// or a covariance that already equals mu I needs none.
    /// </summary>
    static double Amount(double fourthMoment, double frobenius2, double mu, int n, int dim)
    {
        if (dim == 1) return 0;
        double beta = (fourthMoment / n - frobenius2) / ((double)dim * n);
        double delta = (frobenius2 - dim * mu * mu) / dim;
        if (!(delta > 0)) return 0;
        return Math.Clamp(Math.Min(beta, delta) / delta, 0, 1);
    }

    static double[] Transpose(double[] rows, int n, int dim)
    {
        var columns = new double[rows.Length];
        for (int k = 0; k < n; k++)
            for (int j = 0; j < dim; j++) columns[j * n + k] = rows[k * dim + j];
        return columns;
    }
}
