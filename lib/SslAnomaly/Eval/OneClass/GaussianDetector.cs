namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// One Gaussian fitted to the reference features (Rippel, Mertens &amp; Merhof 2020; PaDiM's per-image analogue): an
/// image's anomaly score is its squared Mahalanobis distance (x - m)^T C^-1 (x - m) to the reference mean m, with C the
/// <see cref="LedoitWolf"/> covariance. Squared, as scikit-learn's <c>mahalanobis</c> returns it: only the order and the
/// threshold on the same scale matter. Features are used as they come (no L2 normalisation): the covariance models their
/// scale per direction.
/// <para>When the shrunk covariance is still not positive definite (a collapsed backbone whose features are all constant
/// has S = 0), a ridge of 1e-6 mu (1e-6 when mu = 0) is added to its diagonal, grown tenfold until the factor exists:
/// healthy features never need it, and <see cref="Ridge"/> records it when they do.</para>
/// </summary>
public sealed class GaussianDetector : IOneClassDetector
{
    /// <summary>Queries per parallel task.</summary>
    const int QueryBlock = 64;

    readonly double[] _whitening;   // L^-1, row-major [Dim, Dim], with C + ridge I = L L^T

    GaussianDetector(double[] mean, double[] whitening, double shrinkage, double ridge)
    {
        Mean = mean;
        _whitening = whitening;
        Shrinkage = shrinkage;
        Ridge = ridge;
    }

    public double[] Mean { get; }
    public DetectorKind Kind => DetectorKind.Mahalanobis;
    public int Dim => Mean.Length;
    /// <summary>The Ledoit-Wolf shrinkage the pool asked for, in [0, 1].</summary>
    public double Shrinkage { get; }
    /// <summary>What the guard added to the diagonal; 0 on healthy features.</summary>
    public double Ridge { get; }

    public static GaussianDetector Fit(FeatureSet reference)
    {
        int n = reference.Rows, d = reference.Dim;
        if (n == 0) throw new ArgumentException("The Gaussian detector needs at least one reference image.", nameof(reference));
        var mean = new double[d];
        var row = new double[d];
        for (int i = 0; i < n; i++)
        {
            Widen(reference.Row(i), row);
            DenseMath.AddScaled(mean, row, 1);
        }
        for (int j = 0; j < d; j++) mean[j] /= n;
        var covariance = LedoitWolf.Fit(Centred(reference, 0, n, mean), d);

        double ridge = 0, step = covariance.Target > 0 ? 1e-6 * covariance.Target : 1e-6;
        var matrix = (double[])covariance.Values.Clone();
        double[]? factor;
        while ((factor = Cholesky.Factor(matrix, d)) is null)
        {
            if (ridge > 0 && ridge >= 1e6 * step) throw new InvalidOperationException("The reference covariance is not positive definite even with a ridge; its features are not finite.");
            double next = ridge == 0 ? step : ridge * 10;
            for (int j = 0; j < d; j++) matrix[j * d + j] += next - ridge;
            ridge = next;
        }
        return new GaussianDetector(mean, Cholesky.InvertLower(factor, d), covariance.Shrinkage, ridge);
    }

    /// <summary>Squared Mahalanobis distance of every row: |L^-1 (x - m)|^2.</summary>
    public double[] Score(FeatureSet queries)
    {
        if (queries.Dim != Dim) throw new ArgumentException($"The detector was fitted on {Dim}-dim features, not {queries.Dim}.", nameof(queries));
        var scores = new double[queries.Rows];
        Parallel.For(0, (queries.Rows + QueryBlock - 1) / QueryBlock, block =>
        {
            int start = block * QueryBlock, rows = Math.Min(QueryBlock, queries.Rows - start);
            var whitened = new double[rows * Dim];
            // Row r of L^-1 times x is a dot product with row r: (x - m) (L^-1)^T.
            DenseMath.MultiplyByTranspose(Centred(queries, start, rows, Mean), _whitening, Dim, whitened);
            for (int r = 0; r < rows; r++)
            {
                var z = whitened.AsSpan(r * Dim, Dim);
                scores[start + r] = DenseMath.Dot(z, z);
            }
        });
        return scores;
    }

    /// <summary>Rows [start, start + count) minus <paramref name="mean"/>, in double precision.</summary>
    static double[] Centred(FeatureSet features, int start, int count, double[] mean)
    {
        int d = features.Dim;
        var rows = new double[count * d];
        for (int r = 0; r < count; r++)
        {
            var source = features.Row(start + r);
            for (int j = 0; j < d; j++) rows[r * d + j] = source[j] - mean[j];
        }
        return rows;
    }

    static void Widen(ReadOnlySpan<float> source, double[] target)
    {
        for (int j = 0; j < source.Length; j++) target[j] = source[j];
    }
}
