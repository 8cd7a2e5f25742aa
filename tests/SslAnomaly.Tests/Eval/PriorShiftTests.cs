using System.Text.Json;

namespace SslAnomaly.Tests.Eval;

/// <summary>EM prior estimation, logit adjustment and the F2 threshold against numpy/sklearn (tests/fixtures/gen_labelfree.py).</summary>
public class PriorShiftTests
{
    static JsonElement Case(string name) =>
        Fixtures.Json("labelfree/prior.json").EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);

    [Theory]
    [InlineData("balanced_probe_to_5pct")]
    [InlineData("to_45pct")]
    [InlineData("to_1pct")]
    public void Em_prior_matches_numpy(string name)
    {
        var c = Case(name);
        var posteriors = Fixtures.Doubles(c.GetProperty("posteriors"));
        var estimate = PriorShift.EstimatePrior(posteriors, c.GetProperty("train_prior").GetDouble());
        Assert.True(estimate.Converged);
        Assert.Equal(c.GetProperty("em_prior").GetDouble(), estimate.Prior, 1e-8);
        var expected = Fixtures.Doubles(c.GetProperty("adjusted"));
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], estimate.AdjustedPosteriors[i], 1e-8);
    }

    [Fact]
    public void Logit_adjustment_is_the_em_reweighting()
    {
        var p = Fixtures.Doubles(Case("to_45pct").GetProperty("posteriors"));
        var reweighted = PriorShift.Reweight(p, 0.05);
        for (int i = 0; i < p.Length; i++)
        {
            double logit = Math.Log(p[i] / (1 - p[i]));
            Assert.Equal(reweighted[i], 1 / (1 + Math.Exp(-PriorShift.AdjustLogit(logit, 0.05))), 1e-12);
        }
        Assert.Equal(0, PriorShift.LogitShift(0.5), 15);
        Assert.True(PriorShift.LogitShift(0.01) < 0, "a rarer target lowers every defect logit");
    }

    [Theory]
    [InlineData("balanced_probe_to_5pct")]
    [InlineData("to_45pct")]
    [InlineData("to_1pct")]
    public void F2_threshold_matches_sklearn(string name)
    {
        var c = Case(name);
        var labels = c.GetProperty("train_labels").EnumerateArray().Select(e => e.GetInt32() == 1).ToArray();
        var choice = ThresholdSelection.MaximiseFBeta(labels, Fixtures.Doubles(c.GetProperty("train_scores")));
        Assert.Equal(c.GetProperty("threshold").GetDouble(), choice.Threshold, 15);
        Assert.Equal(c.GetProperty("f2").GetDouble(), choice.FScore, 12);
    }

    [Fact]
    public void Em_recovers_a_known_shift_of_calibrated_posteriors()
    {
        // Two kinds of image with posteriors 0.97 and 0.03 under a 0.5 prior: P(A | defect) = 0.97, P(A | normal) = 0.03.
        // A share r of A images then means a defect share pi with r = 0.97 pi + 0.03 (1 - pi), which is the EM's fixed point.
        var random = new Random(7);
        var p = Enumerable.Range(0, 4000).Select(_ => random.NextDouble() < 0.1 ? 0.97 : 0.03).ToArray();
        double r = p.Count(v => v > 0.5) / (double)p.Length;
        var estimate = PriorShift.EstimatePrior(p);
        Assert.Equal((r - 0.03) / 0.94, estimate.Prior, 6);
    }
}
