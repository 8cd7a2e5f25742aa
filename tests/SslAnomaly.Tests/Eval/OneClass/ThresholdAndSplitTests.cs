using SslAnomaly.Eval.OneClass;
using static SslAnomaly.Tests.Eval.OneClass.OneClassData;

namespace SslAnomaly.Tests.Eval.OneClass;

public class ThresholdAndSplitTests
{
    [Fact]
    public void The_threshold_is_numpys_linear_quantile_of_the_held_out_scores()
    {
        // 1..100: position 0.95 x 99 = 94.05 between the 95th (95) and the 96th (96) order statistic.
        Assert.Equal(95.05, LabelFreeThreshold.FromHeldOut(Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray(), 0.95), 1e-12);
        var f = Fixtures.Json("oneclass/detectors.json").GetProperty("threshold");
        var scores = Fixtures.Doubles(f.GetProperty("scores"));
        var expected = Fixtures.Doubles(f.GetProperty("expected"));
        var quantiles = Fixtures.Doubles(f.GetProperty("quantiles"));
        for (int i = 0; i < quantiles.Length; i++) Assert.Equal(expected[i], LabelFreeThreshold.FromHeldOut(scores, quantiles[i]), 1e-12);
        Assert.Throws<ArgumentException>(() => LabelFreeThreshold.FromHeldOut([], 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelFreeThreshold.FromHeldOut([1.0], 1));
    }

    [Fact]
    public void On_a_constructed_case_the_threshold_flags_the_expected_share_of_normals_and_every_far_defect()
    {
        // Held-out normals score 0..99; the evaluated normals score the same, the defects 150 and up. At the 90 % quantile
        // (89.1) the normals scoring 90..99 are flagged (10 false alarms) and every defect is caught.
        var heldOut = Enumerable.Range(0, 100).Select(i => (double)i).ToArray();
        double threshold = LabelFreeThreshold.FromHeldOut(heldOut, 0.90);
        Assert.Equal(89.1, threshold, 1e-12);
        var evaluated = heldOut.Concat(Enumerable.Range(150, 20).Select(i => (double)i)).ToArray();
        var labels = evaluated.Select(s => s >= 150).ToArray();
        var m = DefectMetrics.Compute(new GroundTruth(labels), DefectScores.Thresholded(evaluated, threshold));
        Assert.Equal(1, m.Recall);
        Assert.Equal(20.0 / 30, m.Precision, 1e-12);
        Assert.Equal(1, m.Auroc);
    }

    [Fact]
    public void Thresholded_scores_decide_at_their_own_threshold_and_keep_it_through_selection()
    {
        var scores = DefectScores.Thresholded([0.2, 3.0, 7.5, 12.0], 7.5);
        var truth = new GroundTruth([false, false, true, true]);
        var m = DefectMetrics.Compute(truth, scores);
        Assert.Equal((1.0, 1.0), (m.Precision, m.Recall));
        Assert.Equal(7.5, scores.Select([1, 2]).Threshold);
        // An explicit threshold still overrides (a decision rule under study)...
        Assert.Equal(2.0 / 3, DefectMetrics.Compute(truth, scores, threshold: 1.0).Precision, 1e-15);
        // ...and probabilities keep the official 0.5.
        Assert.Equal(EvaluationSet.OfficialThreshold, DefectScores.Binary([0.1, 0.9]).Threshold);
        Assert.Throws<ArgumentException>(() => DefectScores.Thresholded([double.NaN], 1));
        Assert.Throws<ArgumentException>(() => DefectScores.Thresholded([1.0], double.PositiveInfinity));
    }

    [Fact]
    public void Ranking_metrics_of_unbounded_scores_are_those_of_any_order_preserving_map_into_probabilities()
    {
        // AUROC and AUPRC are checked against scikit-learn on probabilities (MetricsGoldenTests); they see only the order.
        var random = new Random(4);
        var labels = Enumerable.Range(0, 300).Select(_ => random.NextDouble() < 0.2).ToArray();
        var distances = labels.Select(l => Math.Round(random.NextDouble() * 40 + (l ? 15 : 0))).ToArray();   // ties too
        var raw = DefectMetrics.Compute(new GroundTruth(labels), DefectScores.Thresholded(distances, 30));
        var squashed = DefectMetrics.Compute(new GroundTruth(labels), DefectScores.Binary(distances.Select(d => d / (d + 30)).ToArray()));
        Assert.Equal(squashed.Auroc, raw.Auroc, 1e-15);
        Assert.Equal(squashed.Auprc, raw.Auprc, 1e-15);
        Assert.Equal(squashed.F1, raw.F1);   // d >= 30 exactly when d / (d + 30) >= 0.5
    }

    [Fact]
    public void The_split_holds_out_the_share_asked_for_and_the_clean_pool_drops_only_defects()
    {
        var truth = new GroundTruth(Enumerable.Range(0, 1000).Select(i => i % 7 == 0).ToArray());
        var split = ReferenceSplit.Draw(1000, 0.2, seed: 11);
        Assert.Equal(200, split.Calibration.Count);
        Assert.Equal(Enumerable.Range(0, 1000), split.Reference.Concat(split.Calibration).Order());
        Assert.Equal(split.Reference.Order(), split.Reference);
        Assert.Equal(split.Calibration, ReferenceSplit.Draw(1000, 0.2, seed: 11).Calibration);
        Assert.NotEqual(split.Calibration, ReferenceSplit.Draw(1000, 0.2, seed: 12).Calibration);

        var clean = split.For(ReferencePool.Clean, truth);
        Assert.All(clean.Reference.Concat(clean.Calibration), i => Assert.False(truth.Defect[i]));
        Assert.Equal(split.Reference.Where(i => !truth.Defect[i]), clean.Reference);
        Assert.Equal(split.Calibration.Where(i => !truth.Defect[i]), clean.Calibration);
        Assert.Same(split, split.For(ReferencePool.Contaminated, truth));
        Assert.Single(ReferenceSplit.Draw(2, 0.01, seed: 0).Calibration);
        Assert.Single(ReferenceSplit.Draw(2, 0.99, seed: 0).Reference);
    }
}
