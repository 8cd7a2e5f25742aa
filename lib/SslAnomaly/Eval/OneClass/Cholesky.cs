namespace SslAnomaly.Eval.OneClass;

/// <summary>
/// The Cholesky factor of a symmetric positive definite matrix and the inverse of a lower-triangular one, every sum in
/// <see cref="DenseMath.Dot"/>'s fixed order. The Gaussian detector whitens with L^-1 (|L^-1 x|^2 = x^T A^-1 x) rather
/// than forming A^-1, which squares the condition number's effect on rounding.
/// </summary>
public static class Cholesky
{
    /// <summary>Lower-triangular L (row-major [dim, dim]) with A = L L^T, or null when a pivot is not positive (A is
    /// not numerically positive definite).</summary>
    public static double[]? Factor(ReadOnlySpan<double> a, int dim)
    {
        if (a.Length != dim * dim) throw new ArgumentException($"{a.Length} values are not a {dim} x {dim} matrix.", nameof(a));
        var l = new double[dim * dim];
        for (int i = 0; i < dim; i++)
        {
            var rowI = l.AsSpan(i * dim, dim);
            for (int j = 0; j <= i; j++)
            {
                var rowJ = l.AsSpan(j * dim, dim);
                double s = a[i * dim + j] - DenseMath.Dot(rowI[..j], rowJ[..j]);
                if (i == j)
                {
                    if (!(s > 0) || !double.IsFinite(s)) return null;
                    rowI[i] = Math.Sqrt(s);
                }
                else rowI[j] = s / rowJ[j];
            }
        }
        return l;
    }

    /// <summary>L^-1 of a lower-triangular L with a positive diagonal (row-major, lower-triangular too), column by column
    /// by forward substitution.</summary>
    public static double[] InvertLower(double[] l, int dim)
    {
        if (l.Length != dim * dim) throw new ArgumentException($"{l.Length} values are not a {dim} x {dim} matrix.", nameof(l));
        var inverse = new double[dim * dim];
        var column = new double[dim];
        for (int c = 0; c < dim; c++)
        {
            Array.Clear(column);
            column[c] = 1 / l[c * dim + c];
            for (int i = c + 1; i < dim; i++)
                column[i] = -DenseMath.Dot(l.AsSpan(i * dim + c, i - c), column.AsSpan(c, i - c)) / l[i * dim + i];
            for (int i = c; i < dim; i++) inverse[i * dim + c] = column[i];
        }
        return inverse;
    }
}
