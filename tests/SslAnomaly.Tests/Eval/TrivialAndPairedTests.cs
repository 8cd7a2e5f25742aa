namespace SslAnomaly.Tests.Eval;

public class TrivialAndPairedTests
{
    /// <summary>20 images, 5 defects (p = 0.25): codes RB (bit 0) on defects 0-1, OB (bit 1) on defects 2-4.</summary>
    static GroundTruth Quarter()
    {
        var masks = new int[20];
        masks[0] = masks[1] = 1;
        masks[2] = masks[3] = masks[4] = 2;
        return GroundTruth.FromCodeMasks(masks);
    }

    [Fact]
    public void Always_defect_scores_2p_over_1_plus_p_and_no_normal()
    {
        var m = TrivialClassifiers.Evaluate(TrivialClassifiers.AlwaysDefect, Quarter());
        Assert.Equal(0.25, m.Precision, 12);
        Assert.Equal(1.0, m.Recall, 12);
        Assert.Equal(2 * 0.25 / 1.25, m.F1, 12);
        Assert.Equal(5 * 0.25 / (4 * 0.25 + 1), m.F2, 12);
        Assert.Equal(0.0, m.F1Normal, 12);
        Assert.Equal(0.5, m.Auroc, 12);
        // Per code: P_k = n_k / 20, R_k = 1; RB n = 2 (w 1.0), OB n = 3 (w 0.5518), the other 15 codes 0.
        double f2Rb = 5 * 0.10 / (4 * 0.10 + 1), f2Ob = 5 * 0.15 / (4 * 0.15 + 1);
        Assert.Equal((1.0 * f2Rb + 0.5518 * f2Ob) / SewerMlCodes.ClassImportanceWeights.Sum(), m.F2Ciw, 12);
    }

    [Fact]
    public void Prior_scores_its_share_by_expected_counts()
    {
        var m = TrivialClassifiers.Evaluate(TrivialClassifiers.Prior, Quarter());
        Assert.Equal(0.25, m.Precision, 12);
        Assert.Equal(0.25, m.Recall, 12);
        Assert.Equal(0.25, m.F1, 12);
        Assert.Equal(0.25, m.F2, 12);
        Assert.Equal(0.75, m.F1Normal, 12);
        Assert.Equal(0.25, m.Auprc, 12);
        // Per code: P_k = n_k / 20, R_k = p = 0.25.
        double f2Rb = 5 * 0.10 * 0.25 / (4 * 0.10 + 0.25), f2Ob = 5 * 0.15 * 0.25 / (4 * 0.15 + 0.25);
        Assert.Equal((1.0 * f2Rb + 0.5518 * f2Ob) / SewerMlCodes.ClassImportanceWeights.Sum(), m.F2Ciw, 12);
        Assert.Throws<ArgumentException>(() => TrivialClassifiers.Evaluate("coin", Quarter()));
    }

    [Fact]
    public void Trivial_reports_have_the_metrics_shape_per_validation_key()
    {
        var reports = TrivialClassifiers.Reports([("5", Quarter()), ("natural", Quarter())]);
        Assert.Equal(TrivialClassifiers.Names, reports.Keys);
        Assert.Equal(new[] { "5", "natural" }, reports[TrivialClassifiers.Prior].Keys);
        Assert.Equal(0.4, reports[TrivialClassifiers.AlwaysDefect]["natural"].F1, 12);
    }

    static (GroundTruth Truth, DefectScores Floor, DefectScores Good) Pair(int n, int seed)
    {
        var random = new Random(seed);
        var defect = Enumerable.Range(0, n).Select(i => i % 4 == 0).ToArray();
        var floor = defect.Select(_ => random.NextDouble()).ToArray();                                     // chance
        var good = defect.Select(d => Math.Clamp((d ? 0.75 : 0.25) + 0.3 * (random.NextDouble() - 0.5), 0, 1)).ToArray(); // separates well
        return (new GroundTruth(defect), DefectScores.Binary(floor), DefectScores.Binary(good));
    }

    [Fact]
    public void A_method_identical_to_its_floor_does_not_beat_it()
    {
        var (truth, floor, _) = Pair(400, 1);
        var c = PairedBootstrap.Compare(truth, floor, floor, new BootstrapOptions(200))["f1"];
        Assert.Equal(0, c.Difference);
        Assert.Equal(1.0, c.PValue); // every replicate ties, which counts on both sides
        Assert.Equal(FloorVerdict.CannotTell, c.Verdict);
    }

    [Fact]
    public void A_clearly_better_method_beats_its_floor_and_the_reverse_does_not()
    {
        var (truth, floor, good) = Pair(400, 2);
        var all = PairedBootstrap.Compare(truth, good, floor, new BootstrapOptions(200));
        Assert.Equal(DefectMetrics.ScalarNames, all.Keys);
        var f1 = all["f1"];
        Assert.True(f1.Difference > 0.3, $"difference {f1.Difference}");
        Assert.Equal(FloorVerdict.Better, f1.Verdict);
        Assert.InRange(f1.Difference, f1.DifferenceInterval.Low, f1.DifferenceInterval.High);
        Assert.Equal(200, f1.Replicates);
        // The reverse is told apart too, as worse: a one-sided test would only have said "does not beat".
        var reverse = PairedBootstrap.Compare(truth, floor, good, new BootstrapOptions(200))["f1"];
        Assert.Equal(FloorVerdict.Worse, reverse.Verdict);
        Assert.True(reverse.PValue < reverse.Alpha, $"p = {reverse.PValue}");
        // The same seed gives the same p: reports are reproducible.
        Assert.Equal(f1.PValue, PairedBootstrap.Compare(truth, good, floor, new BootstrapOptions(200))["f1"].PValue);
    }
}
