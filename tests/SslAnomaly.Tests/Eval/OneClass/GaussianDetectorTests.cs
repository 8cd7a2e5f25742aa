using CsCheck;
using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

public class GaussianDetectorTests
{
    [Fact]
    public void Scores_match_scikit_learns_ledoit_wolf_mahalanobis()
    {
        foreach (var c in Fixtures.Json("oneclass/detectors.json").GetProperty("cases").EnumerateArray())
        {
            int dim = c.GetProperty("dim").GetInt32();
            var pool = Features(Fixtures.Floats(c.GetProperty("pool")), dim);
            var detector = GaussianDetector.Fit(pool);
            Assert.Equal(c.GetProperty("lw_shrinkage").GetDouble(), detector.Shrinkage, 1e-10);
            Assert.Equal(0, detector.Ridge);
            var location = Fixtures.Doubles(c.GetProperty("lw_location"));
            for (int j = 0; j < dim; j++) Assert.Equal(location[j], detector.Mean[j], 1e-12);

            var centred = Centred(pool);
            var covariance = LedoitWolf.Fit(centred, dim).Values;
            var expectedCovariance = Fixtures.Doubles(c.GetProperty("lw_covariance"));
            for (int i = 0; i < covariance.Length; i++) Assert.Equal(expectedCovariance[i], covariance[i], 1e-10);

            var expected = Fixtures.Doubles(c.GetProperty("mahalanobis"));
            var scores = detector.Score(Features(Fixtures.Floats(c.GetProperty("queries")), dim));
            for (int i = 0; i < scores.Length; i++) Assert.Equal(1, scores[i] / expected[i], 1e-9);
        }
    }

    [Fact]
    public void Scores_match_a_direct_computation_with_an_explicit_inverse()
    {
        // More rows than dimensions here (fewer are checked against scikit-learn above): two rows, say, have a rank-one
        // covariance that Ledoit-Wolf does not shrink, which is the ridge's case.
        var gen = from dim in Gen.Int[1, 9] from poolRows in Gen.Int[dim + 2, 30] from queryRows in Gen.Int[1, 10]
                  from pool in Gen.Float[-3f, 3f].Array[poolRows * dim] from queries in Gen.Float[-3f, 3f].Array[queryRows * dim]
                  select (dim, pool, queries);
        gen.Sample(c =>
        {
            var detector = GaussianDetector.Fit(Features(c.pool, c.dim));
            Assert.Equal(0, detector.Ridge);
            var scores = detector.Score(Features(c.queries, c.dim));
            var expected = Direct(c.pool, c.queries, c.dim);
            for (int i = 0; i < scores.Length; i++) Assert.Equal(expected[i], scores[i], 1e-8 * Math.Max(1, expected[i]));
        }, iter: 200);
    }

    [Fact]
    public void Constant_features_get_a_ridge_and_finite_scores()
    {
        // A collapsed backbone: every image the same vector. S = 0, so even the shrunk covariance is singular.
        var pool = Features(Enumerable.Repeat(new float[] { 1, 2, 3 }, 10).SelectMany(r => r).ToArray(), 3);
        var detector = GaussianDetector.Fit(pool);
        Assert.True(detector.Ridge > 0);
        var scores = detector.Score(Features([1, 2, 3, 1, 2, 4], 3));
        Assert.Equal(0, scores[0]);
        Assert.True(double.IsFinite(scores[1]) && scores[1] > 0);
    }

    [Fact]
    public void The_cholesky_factor_and_its_inverse_reproduce_the_matrix_and_the_identity()
    {
        var random = new Random(3);
        const int d = 23;
        var m = Enumerable.Range(0, d * d).Select(_ => random.NextDouble() - 0.5).ToArray();
        var a = new double[d * d];   // M M^T + I: positive definite
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
                a[i * d + j] = Enumerable.Range(0, d).Sum(k => m[i * d + k] * m[j * d + k]) + (i == j ? 1 : 0);
        var l = Cholesky.Factor(a, d)!;
        var inverse = Cholesky.InvertLower(l, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                Assert.Equal(a[i * d + j], Enumerable.Range(0, d).Sum(k => l[i * d + k] * l[j * d + k]), 1e-12);
                Assert.Equal(i == j ? 1 : 0, Enumerable.Range(0, d).Sum(k => inverse[i * d + k] * l[k * d + j]), 1e-12);
                if (j > i) Assert.Equal(0, l[i * d + j]);
            }
        Assert.Null(Cholesky.Factor([1, 2, 2, 1], 2));
    }

    static double[] Centred(SslAnomaly.Eval.FeatureSet features)
    {
        int n = features.Rows, d = features.Dim;
        var mean = Enumerable.Range(0, d).Select(j => Enumerable.Range(0, n).Average(i => (double)features.Row(i)[j])).ToArray();
        return Enumerable.Range(0, n * d).Select(x => features.Row(x / d)[x % d] - mean[x % d]).ToArray();
    }

    /// <summary>Mean, covariance and Ledoit-Wolf shrinkage from their definitions, the precision by Gauss-Jordan
    /// elimination, the score as c^T P c.</summary>
    static double[] Direct(float[] pool, float[] queries, int d)
    {
        int n = pool.Length / d;
        var mean = new double[d];
        for (int j = 0; j < d; j++) mean[j] = Enumerable.Range(0, n).Average(i => (double)pool[i * d + j]);
        double X(int i, int j) => pool[i * d + j] - mean[j];
        var s = new double[d, d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) s[a, b] = Enumerable.Range(0, n).Sum(i => X(i, a) * X(i, b)) / n;
        double mu = Enumerable.Range(0, d).Sum(j => s[j, j]) / d;
        double frobenius2 = 0, offTarget = 0;
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++)
            {
                frobenius2 += s[a, b] * s[a, b];
                double t = s[a, b] - (a == b ? mu : 0);
                offTarget += t * t;
            }
        double fourth = Enumerable.Range(0, n).Sum(i => Math.Pow(Enumerable.Range(0, d).Sum(j => X(i, j) * X(i, j)), 2));
        double beta = (fourth / n - frobenius2) / ((double)d * n), delta = offTarget / d;
        double shrinkage = d == 1 || delta <= 0 ? 0 : Math.Min(beta, delta) / delta;
        var sigma = new double[d, d];
        for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) sigma[a, b] = (1 - shrinkage) * s[a, b] + (a == b ? shrinkage * mu : 0);
        var precision = Invert(sigma, d);
        return Enumerable.Range(0, queries.Length / d).Select(q =>
        {
            var c = Enumerable.Range(0, d).Select(j => queries[q * d + j] - mean[j]).ToArray();
            double score = 0;
            for (int a = 0; a < d; a++)
                for (int b = 0; b < d; b++) score += c[a] * precision[a, b] * c[b];
            return score;
        }).ToArray();
    }

    static double[,] Invert(double[,] m, int d)
    {
        var a = (double[,])m.Clone();
        var inverse = new double[d, d];
        for (int i = 0; i < d; i++) inverse[i, i] = 1;
        for (int col = 0; col < d; col++)
        {
            int pivot = Enumerable.Range(col, d - col).MaxBy(r => Math.Abs(a[r, col]));
            for (int k = 0; k < d; k++)
            {
                (a[col, k], a[pivot, k]) = (a[pivot, k], a[col, k]);
                (inverse[col, k], inverse[pivot, k]) = (inverse[pivot, k], inverse[col, k]);
            }
            double p = a[col, col];
            for (int k = 0; k < d; k++) { a[col, k] /= p; inverse[col, k] /= p; }
            for (int r = 0; r < d; r++)
            {
                if (r == col) continue;
                double f = a[r, col];
                for (int k = 0; k < d; k++) { a[r, k] -= f * a[col, k]; inverse[r, k] -= f * inverse[col, k]; }
            }
        }
        return inverse;
    }
}
