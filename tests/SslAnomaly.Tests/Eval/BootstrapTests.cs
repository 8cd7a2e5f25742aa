namespace SslAnomaly.Tests.Eval;

public class BootstrapTests
{
    static EvaluationSet RandomSet(int n, double share, int seed)
    {
        var rng = new Random(seed);
        var masks = Enumerable.Range(0, n).Select(_ => rng.NextDouble() < share ? 1 << rng.Next(17) : 0).ToArray();
        var scores = masks.Select(m => Math.Clamp((m != 0 ? 0.3 : 0) + rng.NextDouble() * 0.7, 0, 1)).ToArray();
        return new EvaluationSet(GroundTruth.FromCodeMasks(masks), DefectScores.Binary(scores));
    }

    [Fact]
    public void Default_is_at_least_1000_replicates_at_95_percent() =>
        Assert.True(BootstrapOptions.Default.Replicates >= 1000 && BootstrapOptions.Default.Level == 0.95);

    [Fact]
    public void Resampling_is_stratified()
    {
        var positives = new[] { 0, 3, 4 };
        var negatives = new[] { 1, 2, 5, 6, 7, 8 };
        var multiplicity = new int[9];
        var random = new Random(4);
        for (int b = 0; b < 50; b++)
        {
            StratifiedBootstrap.Resample(random, positives, negatives, multiplicity);
            Assert.Equal(3, positives.Sum(i => multiplicity[i]));
            Assert.Equal(6, negatives.Sum(i => multiplicity[i]));
        }
    }

    [Fact]
    public void Every_replicate_keeps_the_defect_count_and_intervals_are_seeded()
    {
        var set = RandomSet(400, 0.05, 1);
        var options = new BootstrapOptions(Replicates: 200, Seed: 3);
        var replicates = StratifiedBootstrap.Replicates(set, options);
        Assert.All(replicates, r => Assert.Equal(set.Truth.Positives, r.Positives));
        Assert.All(replicates, r => Assert.Equal(400, r.Count));
        Assert.True(replicates.Select(r => r.F1).Distinct().Count() > 20, "replicates should differ");

        var a = StratifiedBootstrap.Intervals(set, options);
        var b = StratifiedBootstrap.Intervals(set, options);
        Assert.Equal(a, b);
        var point = set.Evaluate();
        foreach (var name in DefectMetrics.ScalarNames)
        {
            Assert.True(a[name].Low <= a[name].High, name);
            Assert.InRange(point.Scalar(name), a[name].Low - 0.05, a[name].High + 0.05);
        }
        Assert.NotEqual(a["f1"], StratifiedBootstrap.Intervals(set, options with { Seed = 4 })["f1"]);
    }

    [Fact]
    public void Interval_width_shrinks_with_more_data()
    {
        var options = new BootstrapOptions(Replicates: 200);
        double Width(int n) { var ci = StratifiedBootstrap.Intervals(RandomSet(n, 0.3, 2), options)["f1"]; return ci.High - ci.Low; }
        Assert.True(Width(4000) < Width(250) / 2);
    }

    [Fact]
    public void Quantile_matches_numpy_linear()
    {
        // numpy.percentile([1, 2, 3, 4], [2.5, 97.5]) = [1.075, 3.925]
        var ci = ConfidenceInterval.Percentile([4, 1, 3, 2, double.NaN], 0.95);
        Assert.Equal(1.075, ci.Low, 1e-12);
        Assert.Equal(3.925, ci.High, 1e-12);
    }
}
