using CsCheck;
using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

public class KnnDetectorTests
{
    /// <summary>Small pools and queries; integer-valued features give ties, duplicates and all-zero rows.</summary>
    static readonly Gen<(float[] Pool, float[] Queries, int Dim, int K)> Cases =
        from dim in Gen.Int[1, 13]
        from poolRows in Gen.Int[1, 30]
        from queryRows in Gen.Int[1, 20]
        from integral in Gen.Bool
        let value = integral ? Gen.Int[-2, 2].Select(v => (float)v) : Gen.Float[-3f, 3f]
        from pool in value.Array[poolRows * dim]
        from queries in value.Array[queryRows * dim]
        from k in Gen.Int[1, 8]
        select (pool, queries, dim, k);

    [Fact]
    public void Scores_are_the_mean_cosine_distance_to_the_k_nearest_by_brute_force()
    {
        Cases.Sample(c =>
        {
            var detector = KnnDetector.Fit(Features(c.Pool, c.Dim), c.K);
            var scores = detector.Score(Features(c.Queries, c.Dim));
            var expected = BruteForce(c.Pool, c.Queries, c.Dim, c.K);
            Assert.Equal(Math.Min(c.K, c.Pool.Length / c.Dim), detector.K);
            for (int i = 0; i < scores.Length; i++) Assert.Equal(expected[i], scores[i], 1e-12);
        }, iter: 300);
    }

    [Fact]
    public void The_product_kernel_sums_every_entry_in_Dots_order()
    {
        // Bit for bit: the 4 x 2 register blocks, the edges and the row tails all finish a sum the way Dot does.
        var gen = from dim in Gen.Int[1, 40] from rowsA in Gen.Int[1, 11] from rowsB in Gen.Int[1, 70]
                  from a in Gen.Double[-5, 5].Array[rowsA * dim] from b in Gen.Double[-5, 5].Array[rowsB * dim]
                  select (dim, rowsA, rowsB, a, b);
        gen.Sample(c =>
        {
            var product = DenseMath.MultiplyByTranspose(c.a, c.b, c.dim);
            for (int i = 0; i < c.rowsA; i++)
                for (int j = 0; j < c.rowsB; j++)
                    Assert.Equal(DenseMath.Dot(c.a.AsSpan(i * c.dim, c.dim), c.b.AsSpan(j * c.dim, c.dim)), product[i * c.rowsB + j]);
        }, iter: 200);
    }

    [Fact]
    public void A_querys_score_does_not_depend_on_the_other_queries_so_not_on_threads_either()
    {
        // Blocks of queries run in parallel; a score that did not depend on its block cannot depend on the thread count.
        var pool = Synthetic(130, 0.1, 21, seed: 1);
        var queries = Synthetic(150, 0.2, 21, seed: 2);
        var detector = KnnDetector.Fit(pool, 5);
        var together = detector.Score(queries);
        var alone = Enumerable.Range(0, queries.Rows).Select(i => detector.Score(queries.Select([i]))[0]).ToArray();
        Assert.Equal(alone, together);
        Assert.Equal(together, KnnDetector.Fit(pool, 5).Score(queries));
    }

    [Fact]
    public void Scores_match_scikit_learns_cosine_nearest_neighbours()
    {
        foreach (var c in Fixtures.Json("oneclass/detectors.json").GetProperty("cases").EnumerateArray())
        {
            int dim = c.GetProperty("dim").GetInt32();
            var pool = Features(Fixtures.Floats(c.GetProperty("pool")), dim);
            var queries = Features(Fixtures.Floats(c.GetProperty("queries")), dim);
            foreach (var k in c.GetProperty("knn_mean_distance").EnumerateObject())
            {
                var expected = Fixtures.Doubles(k.Value);
                var scores = KnnDetector.Fit(pool, int.Parse(k.Name)).Score(queries);
                for (int i = 0; i < scores.Length; i++) Assert.Equal(expected[i], scores[i], 1e-12);
            }
        }
    }

    [Fact]
    public void A_duplicate_or_a_rescaled_copy_of_a_reference_image_is_at_distance_zero()
    {
        var pool = Features([1, 2, 3, 0, 1, 0, 5, 5, 1], 3);
        var scores = KnnDetector.Fit(pool, 1).Score(Features([1, 2, 3, 0, 7, 0, 0, 0, 0], 3));
        Assert.Equal(0, scores[0], 1e-15);
        Assert.Equal(0, scores[1], 1e-15);
        Assert.Equal(1, scores[2]);   // a zero row has no direction: cosine 0 to everything
    }

    /// <summary>Cosine distances the long way: 1 - a.b / (|a| |b|), cosine 0 for a zero row; sorted; the first k averaged.</summary>
    static double[] BruteForce(float[] pool, float[] queries, int dim, int k)
    {
        int poolRows = pool.Length / dim;
        k = Math.Min(k, poolRows);
        return Enumerable.Range(0, queries.Length / dim).Select(q =>
        {
            var distances = Enumerable.Range(0, poolRows).Select(p =>
            {
                double dot = 0, qq = 0, pp = 0;
                for (int j = 0; j < dim; j++)
                {
                    double a = queries[q * dim + j], b = pool[p * dim + j];
                    dot += a * b; qq += a * a; pp += b * b;
                }
                double cosine = qq == 0 || pp == 0 ? 0 : dot / Math.Sqrt(qq * pp);
                return Math.Max(0, 1 - cosine);
            }).Order().ToArray();
            return distances.Take(k).Average();
        }).ToArray();
    }
}
