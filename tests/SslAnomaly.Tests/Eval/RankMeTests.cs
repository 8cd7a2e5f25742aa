using static TorchSharp.torch;

namespace SslAnomaly.Tests.Eval;

public class RankMeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("gaussian")]
    [InlineData("decaying")]
    public void RankMe_and_feature_stats_match_numpy(string name)
    {
        var c = Fixtures.Json("eval/rankme.json").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        var rows = c.GetProperty("z").EnumerateArray().Select(Fixtures.Floats).ToArray();
        using var z = tensor(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);

        var stats = FeatureStats.Compute(z);
        output.WriteLine($"RankMe |deviation| {Math.Abs(c.GetProperty("rankme").GetDouble() - RankMe.Compute(z)):E2}, stats max |deviation| " +
            $"{new[] { c.GetProperty("mean").GetDouble() - stats.Mean, c.GetProperty("std").GetDouble() - stats.Std, c.GetProperty("normalized_std").GetDouble() - stats.NormalizedStd }.Max(Math.Abs):E2}");
        Assert.Equal(c.GetProperty("rankme").GetDouble(), RankMe.Compute(z), 1e-9);
        Assert.Equal(c.GetProperty("mean").GetDouble(), stats.Mean, 1e-12);
        Assert.Equal(c.GetProperty("std").GetDouble(), stats.Std, 1e-12);
        Assert.Equal(c.GetProperty("normalized_std").GetDouble(), stats.NormalizedStd, 1e-12);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(32)]
    public void Rank_k_matrix_with_equal_singular_values_has_RankMe_k(int k)
    {
        // Z = U diag(3, ..., 3) V^T with orthonormal U [200, k], V [64, k].
        manual_seed(k);
        var (u, _) = linalg.qr(randn(200, k, dtype: float64));
        var (v, _) = linalg.qr(randn(64, k, dtype: float64));
        using var z = 3.0 * u.matmul(v.t());

        // Exact value with the eps term: k values 1/k + eps, 64 - k (numerically) zero values eps.
        double p = 1.0 / k + RankMe.Epsilon, q = RankMe.Epsilon;
        double expected = Math.Exp(-(k * p * Math.Log(p) + (64 - k) * q * Math.Log(q)));
        Assert.Equal(expected, RankMe.Compute(z), 1e-6);
        Assert.Equal(k, RankMe.Compute(z), k * 1e-3);
    }

    [Fact]
    public void RankMe_is_not_centred()
    {
        // A constant offset adds a direction: the same points shifted have a different spectrum.
        manual_seed(1);
        using var z = randn(100, 8, dtype: float64);
        Assert.NotEqual(RankMe.Compute(z), RankMe.Compute(z + 10.0), 3);
    }

    [Fact]
    public void Only_the_first_25600_rows_count()
    {
        // Rows beyond the cap span a new direction; they must not change the value.
        using var first = zeros(RankMe.MaxSamples, 4, dtype: float64);
        first[TensorIndex.Colon, 0] = ones(RankMe.MaxSamples, dtype: float64);
        using var extra = zeros(10, 4, dtype: float64);
        extra[TensorIndex.Colon, 3] = 1000.0 * ones(10, dtype: float64);
        using var all = cat([first, extra], 0);
        Assert.Equal(RankMe.Compute(first), RankMe.Compute(all), 1e-12);
        Assert.NotEqual(RankMe.Compute(all, maxSamples: RankMe.MaxSamples + 10), RankMe.Compute(all), 3);
    }

    [Fact]
    public void Collapsed_features_have_zero_spread()
    {
        using var z = ones(50, 16) * 2.5f;
        var stats = FeatureStats.Compute(z);
        Assert.Equal(2.5, stats.Mean, 1e-6);
        Assert.Equal(0, stats.Std, 1e-7);
        Assert.Equal(0, stats.NormalizedStd, 1e-7);
        Assert.Equal(1, RankMe.Compute(z), 1e-3);
    }
}
