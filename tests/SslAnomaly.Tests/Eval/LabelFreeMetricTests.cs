using System.Text.Json;
using SslAnomaly.Eval.LabelFree;
using static TorchSharp.torch;

namespace SslAnomaly.Tests.Eval;

/// <summary>Each label-free metric against the numpy reference of its published formula (tests/fixtures/gen_labelfree.py).</summary>
public class LabelFreeMetricTests
{
    static JsonElement Case(string file, string name) =>
        Fixtures.Json($"labelfree/{file}").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    static Tensor Matrix(JsonElement rows)
    {
        var r = rows.EnumerateArray().Select(Fixtures.Doubles).ToArray();
        return tensor(r.SelectMany(x => x).ToArray(), [r.Length, r[0].Length], float64);
    }

    static void Close(double expected, double actual, double relative = 1e-9) =>
        Assert.True(Math.Abs(expected - actual) <= relative * Math.Max(1, Math.Abs(expected)), $"expected {expected:R}, got {actual:R}");

    [Theory]
    [InlineData("gaussian")]
    [InlineData("power_law")]
    [InlineData("fewer_rows_than_dims")]
    public void Spectral_metrics_match_numpy(string name)
    {
        var c = Case("spectral.json", name);
        using var z = Matrix(c.GetProperty("z"));
        var expected = Fixtures.Doubles(c.GetProperty("eigenvalues"));
        var eigenvalues = Spectrum.CovarianceEigenvalues(z);
        Assert.Equal(expected.Length, eigenvalues.Length);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], eigenvalues[i], 1e-9 * expected[0]);
        Close(c.GetProperty("alpha_req").GetDouble(), AlphaReq.Compute(z), 1e-7);
        Close(c.GetProperty("nesum").GetDouble(), NeSum.Compute(z));
        Close(c.GetProperty("effective_rank").GetDouble(), EffectiveRank.Compute(z));
    }

    [Fact]
    public void Float32_features_give_the_same_spectral_metrics()
    {
        // The monitor hands float32 features; the fixture values are exactly representable in float32.
        var c = Case("spectral.json", "power_law");
        using var z = Matrix(c.GetProperty("z"));
        using var single = z.to_type(float32);
        Close(c.GetProperty("alpha_req").GetDouble(), AlphaReq.Compute(single), 1e-7);
        Close(c.GetProperty("nesum").GetDouble(), NeSum.Compute(single));
    }

    [Theory]
    [InlineData("close_views")]
    [InlineData("noisy_views")]
    [InlineData("two_views")]
    public void View_metrics_match_numpy(string name)
    {
        var c = Case("views.json", name);
        var views = c.GetProperty("views").EnumerateArray().Select(Matrix).ToList();
        try
        {
            Close(c.GetProperty("lidar").GetDouble(), Lidar.Compute(views), 1e-7);
            Close(c.GetProperty("alignment").GetDouble(), Alignment.Compute(views[0], views[1]));
            Close(c.GetProperty("uniformity_a").GetDouble(), Uniformity.Compute(views[0]));
            Close((c.GetProperty("uniformity_a").GetDouble() + c.GetProperty("uniformity_b").GetDouble()) / 2, Uniformity.OfViews(views[0], views[1]));
            Close(c.GetProperty("knn_agreement_k5").GetDouble(), KnnAgreement.Compute(views[0], views[1], 5));
            Close(c.GetProperty("knn_agreement_k3").GetDouble(), KnnAgreement.Compute(views[0], views[1], 3));
        }
        finally
        {
            foreach (var v in views) v.Dispose();
        }
    }

    [Fact]
    public void Collapsed_and_white_spectra_sit_at_the_ends()
    {
        manual_seed(3);
        using var white = randn(4000, 8, dtype: float64);
        using var direction = randn(1, 8, dtype: float64);
        using var collapsed = randn(200, 1, dtype: float64).matmul(direction) + 1e-3 * randn(200, 8, dtype: float64);
        Assert.InRange(NeSum.Compute(white), 7.0, 8.0);
        Assert.InRange(NeSum.Compute(collapsed), 1.0, 1.01);
        Assert.InRange(EffectiveRank.Compute(white), 7.5, 8.0);
        Assert.InRange(AlphaReq.Compute(white), 0, 0.2);
        Assert.True(AlphaReq.Compute(collapsed) > 3, "a collapsed spectrum decays steeply");
    }

    [Fact]
    public void Identical_views_align_perfectly_and_agree_on_neighbours()
    {
        manual_seed(4);
        using var x = randn(30, 6, dtype: float64);
        Assert.Equal(0, Alignment.Compute(x, x), 12);
        Assert.Equal(1, KnnAgreement.Compute(x, x), 12);
        using var same = x.unsqueeze(1).expand(30, 4, 6).reshape(120, 6);
        Assert.True(Uniformity.Compute(same) > Uniformity.Compute(x), "repeated points are less uniform");
    }

    [Fact]
    public void Lidar_is_high_when_views_stay_together_and_images_apart()
    {
        manual_seed(5);
        using var images = randn(40, 6, dtype: float64);
        var tight = Enumerable.Range(0, 4).Select(_ => images + 0.01 * randn(40, 6, dtype: float64)).ToList();
        var loose = Enumerable.Range(0, 4).Select(_ => images + 3.0 * randn(40, 6, dtype: float64)).ToList();
        Assert.True(Lidar.Compute(tight) > Lidar.Compute(loose));
        Assert.Throws<ArgumentException>(() => Lidar.Compute(tight.Take(1).ToList()));
    }
}
